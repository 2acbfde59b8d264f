// The office console's script: small, optional enhancements only; every
// page works without it. Pages add their own behaviour in files beside it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // The language switcher applies on change; its button stays for those
  // without a script.
  var sel = document.getElementById("lang");
  if (sel && sel.form) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  }
  // On a phone the menu's list scrolls sideways (console.css): show the
  // current page's item, which may be past the screen's edge, in its
  // middle, and mark each edge with pages past it, as it scrolls.
  var nav = document.querySelector("header.top nav");
  var list = nav && nav.querySelector("ul");
  if (!list) {
    return;
  }
  var here = list.querySelector('a[aria-current="page"]');
  if (here && list.scrollWidth > list.clientWidth) {
    list.scrollLeft = here.offsetLeft - list.offsetLeft - (list.clientWidth - here.offsetWidth) / 2;
  }
  var edges = function () {
    var hidden = list.scrollWidth - list.clientWidth;
    nav.classList.toggle("more-before", hidden > 1 && list.scrollLeft > 1);
    nav.classList.toggle("more-after", hidden > 1 && list.scrollLeft < hidden - 1);
  };
  edges();
  list.addEventListener("scroll", edges, { passive: true });
  window.addEventListener("resize", edges);
});
