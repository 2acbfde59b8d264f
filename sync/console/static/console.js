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
  // On a phone the menu scrolls sideways (console.css): show the current
  // page's item, which may be past the screen's edge, in its middle.
  var nav = document.querySelector("header.top nav");
  var here = nav && nav.querySelector('a[aria-current="page"]');
  if (here && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = here.offsetLeft - (nav.clientWidth - here.offsetWidth) / 2;
  }
});
