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
});
