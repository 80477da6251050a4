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

    // A block copied from Excel (tab-separated lines) fills the cells to the right and below.
    grid.addEventListener("paste", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("input[data-col]")) { return; }
      var data = (event.clipboardData || window.clipboardData).getData("text");
      if (!data || !/[\t\r\n]/.test(data)) { return; }
      event.preventDefault();
      var lines = data.replace(/\r\n?/g, "\n").split("\n");
      while (lines.length > 1 && lines[lines.length - 1] === "") { lines.pop(); }
      var at = position(input);
      var last = input;
      lines.forEach(function (line, i) {
        line.split("\t").forEach(function (value, j) {
          var cell = cellAt(at[0] + i, at[1] + j);
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

    var first = grid.querySelector(".has-error input, .has-caution input");
    if (first) { first.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-entry-grid]"), setUp);
  });
})();
