/* Bureau pages: unit tree (select all under a 主管部门, filter, count) and auto-submitting selects. */
(function () {
  "use strict";

  function unitBoxes(dept) {
    return document.querySelectorAll('input[name="units"][data-dept="' + dept + '"]');
  }

  function refreshDept(dept) {
    var all = document.querySelector('input[data-select-all="' + dept + '"]');
    if (!all) return;
    var boxes = unitBoxes(dept), checked = 0;
    boxes.forEach(function (b) { if (b.checked) checked++; });
    all.checked = boxes.length > 0 && checked === boxes.length;
    all.indeterminate = checked > 0 && checked < boxes.length;
  }

  function refreshCount() {
    var badge = document.getElementById("unit-count");
    if (badge) badge.textContent = document.querySelectorAll('input[name="units"]:checked').length;
  }

  document.addEventListener("change", function (event) {
    var t = event.target;
    if (t.matches("input[data-select-all]")) {
      unitBoxes(t.dataset.selectAll).forEach(function (b) { b.checked = t.checked; });
      refreshCount();
    } else if (t.matches('input[name="units"]')) {
      refreshDept(t.dataset.dept);
      refreshCount();
    } else if (t.matches("select[data-autosubmit]")) {
      if (t.dataset.clear && t.form.elements[t.dataset.clear]) t.form.elements[t.dataset.clear].value = "";
      t.form.submit();
    }
  });

  /* A click on the checkbox inside <summary> must not open or close the <details>. */
  document.addEventListener("click", function (event) {
    if (event.target.matches("summary input[data-select-all]")) event.stopPropagation();
    var button = event.target.closest("button[data-check-all]");
    if (!button) return;
    var on = button.dataset.checkAll === "1";
    document.querySelectorAll('input[name="units"]').forEach(function (b) {
      if (!b.closest(".jx-unit").hidden) b.checked = on;
    });
    document.querySelectorAll("input[data-select-all]").forEach(function (a) { refreshDept(a.dataset.selectAll); });
    refreshCount();
  }, true);

  var filter = document.getElementById("unit-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      document.querySelectorAll(".jx-dept").forEach(function (dept) {
        var shown = 0;
        dept.querySelectorAll(".jx-unit").forEach(function (row) {
          var hit = !q || row.dataset.search.toLowerCase().indexOf(q) >= 0;
          row.hidden = !hit;
          if (hit) shown++;
        });
        dept.hidden = shown === 0;
        if (q && shown) dept.open = true;
      });
    });
  }

  document.querySelectorAll("input[data-select-all]").forEach(function (a) { refreshDept(a.dataset.selectAll); });
  refreshCount();
})();
