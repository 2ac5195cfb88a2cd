/* SalesPerf's only script, served from our origin: the Content-Security-Policy forbids inline
 * script and style. Each part looks for its page's elements and does nothing elsewhere. */
(function () {
  "use strict";

  // Language switch (and any other select marked data-autosubmit): submit on change.
  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  // Team targets: the running sum of the reps' sales targets against the team total.
  function teamTargets() {
    var form = document.getElementById("team-targets");
    var out = document.getElementById("targets-sum");
    if (!form || !out) return;
    var total = form.querySelector("[name=team_sales_total]");
    function update() {
      var sum = 0;
      form.querySelectorAll("input[name$='-sales_target']").forEach(function (el) {
        if (!/-(new_customer|repeat)_sales_target$/.test(el.name)) sum += Number(el.value || 0);
      });
      var text = out.dataset.label + " " + sum.toFixed(2);
      if (total && total.value !== "") {
        var diff = sum - Number(total.value);
        if (Math.abs(diff) >= 0.005) text += " (" + (diff > 0 ? "+" : "") + diff.toFixed(2) + ")";
      }
      out.textContent = text;
    }
    form.addEventListener("input", update);
    update();
  }

  // Scorecard recompute job: poll its status while it is queued or running.
  function jobStatus() {
    var box = document.getElementById("job");
    if (!box || !box.dataset.statusUrl || !box.hasAttribute("data-poll")) return;
    function poll() {
      fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (job) {
        document.getElementById("job-status").textContent = job.status;
        document.getElementById("job-progress").value = job.progress_percent;
        document.getElementById("job-percent").textContent = job.progress_percent;
        document.getElementById("job-chunks").textContent = job.done_chunks + "/" + job.total_chunks;
        if (job.finished_at) { document.getElementById("job-finished").textContent = job.finished_at.replace("T", " ").slice(0, 19); }
        if (job.error) { var e = document.getElementById("job-error"); e.textContent = job.error; e.hidden = false; }
        if (job.status === "queued" || job.status === "running") { setTimeout(poll, 2000); }
      });
    }
    setTimeout(poll, 1000);
  }

  // Main navigation menus (<details data-navmenu>): one open at a time; a click elsewhere or
  // Escape closes them (Escape returns the focus to the menu's summary).
  function navMenus() {
    var menus = document.querySelectorAll("details[data-navmenu]");
    if (!menus.length) return;
    function closeAll(except) {
      menus.forEach(function (menu) { if (menu !== except) menu.removeAttribute("open"); });
    }
    menus.forEach(function (menu) {
      menu.addEventListener("toggle", function () { if (menu.open) closeAll(menu); });
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest || !event.target.closest("details[data-navmenu]")) closeAll(null);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var open = document.querySelector("details[data-navmenu][open]");
      if (!open) return;
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    });
  }

  function start() {
    autosubmit();
    navMenus();
    teamTargets();
    jobStatus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
