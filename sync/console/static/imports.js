// The imports page: a file over the import's limit is refused in the
// browser, in the page's words, before it is sent; the server refuses it
// too (413) where this script does not run.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () {
      var max = Number(input.dataset.maxBytes);
      var big = input.files.length > 0 && input.files[0].size > max;
      input.setCustomValidity(big ? input.dataset.tooLarge : "");
      if (big) {
        input.reportValidity();
      }
    });
  });
});
