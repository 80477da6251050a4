// The entry grid (/entry/): keyboard moves, a block pasted from Excel, only changed rows posted.
// No inline script anywhere: the Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";

  function setUp(form) {
    var grid = form.querySelector("table.entry-grid");
    if (!grid) { return; }
    var rows = Array.prototype.slice.call(grid.querySelectorAll("tbody tr[data-hamlet]"));

    function cellAt(row, col) {
      var tr = rows[row];
      return tr ? tr.querySelector('input[data-col="' + col + '"]') : null;
    }

    function position(input) {
      return [rows.indexOf(input.closest("tr")), Number(input.getAttribute("data-col"))];
    }

    function mark(input) {
      input.classList.toggle("changed", input.value !== input.defaultValue);
    }

    function moveTo(input) {
      if (input) { input.focus(); input.select(); }
    }

    function shown(input) {
      return input.getClientRects().length > 0;
    }

    // The columns of a row the user sees, in order: a pasted block fills these only, so that
    // hidden columns (the "Hồ sơ cán bộ" group) are skipped, not filled unseen.
    function shownColumns(row) {
      var tr = rows[row];
      if (!tr) { return []; }
      return Array.prototype.filter.call(tr.querySelectorAll("input[data-col]"), shown).map(function (input) {
        return Number(input.getAttribute("data-col"));
      });
    }

    // Enter moves down to the same column of the next row (Shift+Enter: up), as in Excel;
    // the arrow keys up and down do the same. Tab and Shift+Tab keep the browser's order.
    grid.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("input[data-col]")) { return; }
      if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) { return; }
      var step = 0;
      if (event.key === "Enter") { step = event.shiftKey ? -1 : 1; }
      else if (event.key === "ArrowDown") { step = 1; }
      else if (event.key === "ArrowUp") { step = -1; }
      if (!step) { return; }
      event.preventDefault();
      var at = position(input);
      moveTo(cellAt(at[0] + step, at[1]));
    });

    // A block copied from Excel (tab-separated lines) fills the shown cells to the right and below.
    grid.addEventListener("paste", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("input[data-col]")) { return; }
      var data = (event.clipboardData || window.clipboardData).getData("text");
      if (!data || !/[\t\r\n]/.test(data)) { return; }
      event.preventDefault();
      var lines = data.replace(/\r\n?/g, "\n").split("\n");
      while (lines.length > 1 && lines[lines.length - 1] === "") { lines.pop(); }
      var at = position(input);
      var columns = shownColumns(at[0]);
      var first = columns.indexOf(at[1]);
      var last = input;
      lines.forEach(function (line, i) {
        line.split("\t").forEach(function (value, j) {
          var col = columns[first + j];
          var cell = col === undefined ? null : cellAt(at[0] + i, col);
          if (cell) {
            cell.value = value.replace(/^"(.*)"$/, "$1").trim();
            mark(cell);
            last = cell;
          }
        });
      });
      moveTo(last);
    });

    grid.addEventListener("input", function (event) {
      if (event.target.matches && event.target.matches("input[data-col]")) { mark(event.target); }
    });

    // Only the rows the user changed (or that wait for a correction or a confirmation) are posted:
    // a commune of a hundred hamlets stays far below the server's limit of fields per request.
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (sending) { event.preventDefault(); return; }
      sending = true;
      rows.forEach(function (tr) {
        var id = tr.getAttribute("data-hamlet");
        var fields = form.querySelectorAll('[name^="h' + id + '-"]');
        var changed = tr.hasAttribute("data-pending");
        Array.prototype.forEach.call(fields, function (f) {
          if (f.type === "checkbox" ? f.checked : (f.type !== "hidden" && f.value !== f.defaultValue)) {
            changed = true;
          }
        });
        if (!changed) {
          Array.prototype.forEach.call(fields, function (f) { f.disabled = true; });
        }
      });
    });

    // Back to the page from the browser's cache: every cell usable again.
    window.addEventListener("pageshow", function () {
      sending = false;
      Array.prototype.forEach.call(form.querySelectorAll("[disabled]"), function (f) { f.disabled = false; });
    });

    // "Hồ sơ cán bộ": the people columns shown or hidden in place; the page's address, the form's and the
    // filters' carry the choice (``people=1``), so that saving or reopening keeps it.
    var toggle = document.querySelector("[data-people-toggle]");
    function withPeople(href, on) {
      var url = new URL(href, window.location.href);
      if (on) { url.searchParams.set("people", "1"); } else { url.searchParams.delete("people"); }
      return url.toString();
    }
    if (toggle) {
      toggle.setAttribute("role", "button");
      toggle.addEventListener("click", function (event) {
        event.preventDefault();
        var on = grid.classList.toggle("people-hidden") === false;
        toggle.setAttribute("aria-pressed", on ? "true" : "false");
        // getAttribute: ``form.action`` is the submit buttons named "action"
        form.setAttribute("action", withPeople(form.getAttribute("action") || window.location.href, on));
        window.history.replaceState(null, "", withPeople(window.location.href, on));
        toggle.href = withPeople(window.location.href, !on);
        var filters = document.querySelector("form.filters");
        var field = filters ? filters.querySelector("[data-people-field]") : null;
        if (on && filters && !field) {
          field = document.createElement("input");
          field.type = "hidden";
          field.name = "people";
          field.value = "1";
          field.setAttribute("data-people-field", "");
          filters.appendChild(field);
        } else if (!on && field) {
          field.remove();
        }
      });
    }

    var firstProblem = grid.querySelector(".has-error input, .has-caution input");
    if (firstProblem) { firstProblem.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-entry-grid]"), setUp);
  });
})();
