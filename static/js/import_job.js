// An import job's page while the job runs: polls its progress (JSON) and shows it, then reloads
// the page when the job has finished, to show its outcome. Without scripts the page refreshes itself.
// The first poll comes soon (most imports take a second or two), later ones less and less often.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-status-url]");
    if (!box) { return; }
    var url = box.getAttribute("data-status-url");
    var delay = 250;  // ms; grows by half each poll, up to 1.5 s

    function later() {
      window.setTimeout(poll, delay);
      delay = Math.min(Math.round(delay * 1.5), 1500);
    }

    function show(name, value) {
      box.querySelectorAll('[data-field="' + name + '"]').forEach(function (element) {
        if (element.tagName !== "PROGRESS") { element.textContent = value; }
        else if (value === "") { element.removeAttribute("value"); }  // a moving bar: the size is not known
        else { element.value = value; }
      });
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (status) {
          if (status.finished) { window.location.reload(); return; }
          show("stage_label", status.stage_label);
          show("percent", status.percent_known ? status.percent : "");
          show("percent_text", status.percent_known ? status.percent + "%" : "");
          show("rows_read", status.rows_read);
          if (status.rows_total) { show("rows_total", status.rows_total); }
          var waiting = box.querySelector('[data-field="waiting"]');
          if (waiting) { waiting.hidden = !status.waiting_long; }
          later();
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }

    later();
  });
})();
