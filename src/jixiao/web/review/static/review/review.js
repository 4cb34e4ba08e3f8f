/* Review queue: "select all" ticks every accepted submission on the page (no inline scripts: CSP). */
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll("input.jx-publish").forEach(function (box) { box.checked = all.checked; });
  });
}());
