/* jixiao pages: after each live save, show every indicator's score and "why", and put each issue
   beside its field (matched by the document path the engine reports). No inline scripts (CSP). */
(function () {
  "use strict";

  function byPath(path) {
    var parts = path.split(".");
    while (parts.length) {
      var key = parts.join(".");
      var el = document.querySelector('[data-path="' + CSS.escape(key) + '"]') ||
               document.querySelector('[name="' + CSS.escape(key) + '"]');
      if (el) { return el; }
      parts.pop();
    }
    return null;
  }

  function showScores(live) {
    Object.keys(live.indicators).forEach(function (id) {
      var r = live.indicators[id];
      var badge = document.querySelector('[data-score-for="' + CSS.escape(id) + '"]');
      if (badge) {
        badge.textContent = r.applicable === false && !r.score ? "不适用" : r.score_text + " / " + r.weight_text + " 分";
        badge.classList.remove("full", "partial", "zero");
        if (r.score !== null && r.weight) {
          badge.classList.add(r.score >= r.weight ? "full" : (r.score > 0 ? "partial" : "zero"));
        }
      }
      var why = document.querySelector('[data-why-for="' + CSS.escape(id) + '"]');
      if (why) { why.textContent = r.explanation || ""; }
    });
  }

  function showIssues(issues) {
    document.querySelectorAll(".jx-issue").forEach(function (el) { el.remove(); });
    document.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    issues.forEach(function (issue) {
      var el = issue.field ? byPath(issue.field) : null;
      if (!el) { return; }
      var input = el.matches("input,select,textarea") ? el : el.querySelector("input,select,textarea");
      if (input && issue.severity === "error") { input.classList.add("is-invalid"); }
      var note = document.createElement("div");
      note.className = "jx-issue" + (issue.severity === "error" ? "" : " warning");
      note.textContent = issue.message;
      (el.matches("input,select,textarea") ? el.parentElement : el).appendChild(note);
    });
  }

  function refresh() {
    var data = document.getElementById("live-data");
    if (!data) { return; }
    var live = JSON.parse(data.textContent);
    showScores(live);
    showIssues(live.issues);
    document.querySelectorAll(".jx-action-version").forEach(function (el) { el.value = live.version; });
    var status = document.getElementById("save-status");
    if (status) { status.innerHTML = ""; }
  }

  // An action (提交, 同意 …) first saves what was just typed, then goes with the new version:
  // without this, a click right after typing races the autosave and is refused as a stale version.
  var pendingAction = null;

  function sendPendingAction() {
    var form = document.getElementById("eval-form");
    if (!pendingAction || (form && form.classList.contains("htmx-request"))) { return; }
    var action = pendingAction;
    pendingAction = null;
    action.dataset.flushed = "1";
    action.requestSubmit();
  }

  document.addEventListener("submit", function (event) {
    var action = event.target;
    var form = document.getElementById("eval-form");
    if (!action.classList.contains("jx-action") || !form || !form.hasAttribute("hx-post") || action.dataset.flushed) {
      return;
    }
    event.preventDefault();
    pendingAction = action;
    htmx.trigger(form, "jx-flush");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    // a refused save settles nothing: let the action go and show the server's answer
    if (event.target.id === "eval-form" && !event.detail.successful) { window.setTimeout(sendPendingAction, 0); }
  });

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", function () {
    refresh();
    sendPendingAction();
  });
  function addRow(button) {
    var key = button.dataset.key;
    var rows = document.querySelectorAll('[data-path^="' + key + '."]');
    var last = rows[rows.length - 1];
    var next = rows.length;
    var row = last.cloneNode(true);
    row.dataset.path = key + "." + next;
    row.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/\.\d+\./, "." + next + ".");
      input.value = "";
    });
    row.querySelectorAll(".jx-issue").forEach(function (el) { el.remove(); });
    last.after(row);
    row.querySelector("input").focus();
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest(".jx-add-row");
    if (add) { addRow(add); return; }
    var link = event.target.closest(".jx-goto");
    if (!link) { return; }
    event.preventDefault();
    var el = byPath(link.dataset.field || "");
    if (el) { el.scrollIntoView({behavior: "smooth", block: "center"}); var f = el.querySelector("input,select,textarea"); if (f) { f.focus(); } }
  });
})();
