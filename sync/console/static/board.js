// The board's live updates: listens to /board/events and, when tickets
// change, fetches the board's lanes again (the same URL with fragment=1)
// and says which tickets changed in the page's live region. Without this
// script the board still works: its Refresh link reloads it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var board = document.getElementById("board");
  var lanes = document.getElementById("lanes");
  var live = document.getElementById("board-live");
  if (!board || !lanes || !live || !window.EventSource || !window.fetch) {
    return;
  }
  var pending = [];
  var timer = null;
  // Changes come in bursts (a device's push names many tickets): one
  // fetch per second at most.
  function refresh() {
    timer = null;
    var names = pending;
    pending = [];
    var url = new URL(window.location.href);
    url.searchParams.set("fragment", "1");
    fetch(url.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (r.redirected || !r.ok) {
          throw new Error("status " + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        lanes.innerHTML = html;
        var text = names.length ? board.dataset.updated + " " + names.join(", ") : board.dataset.reloaded;
        live.textContent = text;
      })
      .catch(function () {
        live.textContent = board.dataset.failed;
      });
  }
  function changed(names) {
    for (var i = 0; i < names.length; i++) {
      if (names[i] && pending.indexOf(names[i]) < 0) {
        pending.push(names[i]);
      }
    }
    if (!timer) {
      timer = setTimeout(refresh, 1000);
    }
  }
  var es = new EventSource(board.dataset.events);
  es.addEventListener("tickets", function (e) { changed(e.data.split(" ")); });
  es.addEventListener("reload", function () { changed([]); });
});
