// The targets pages: move like a spreadsheet (Enter / Shift+Enter go down / up a column), paste a
// column (or block) copied from Excel into the cells below, find a unit by name, mark changed cells.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-target-grid]").forEach(function (form) {
    var rows = Array.prototype.slice.call(form.querySelectorAll("tbody tr"));

    function visibleRows() { return rows.filter(function (row) { return !row.hidden; }); }
    function cellsOf(row) { return Array.prototype.slice.call(row.querySelectorAll("input:not([type=hidden])")); }
    function position(input) {
      var row = input.closest("tr");
      return { rows: visibleRows(), row: row, column: cellsOf(row).indexOf(input) };
    }
    function mark(input) { input.classList.toggle("changed", input.value !== input.defaultValue); }

    form.addEventListener("keydown", function (event) {
      var input = event.target;
      if (event.key !== "Enter" || input.tagName !== "INPUT" || !input.closest("tbody")) { return; }
      event.preventDefault();
      var at = position(input);
      var next = at.rows[at.rows.indexOf(at.row) + (event.shiftKey ? -1 : 1)];
      if (next) { var target = cellsOf(next)[at.column]; target.focus(); target.select(); }
    });

    form.addEventListener("paste", function (event) {
      var input = event.target;
      if (input.tagName !== "INPUT" || !input.closest("tbody")) { return; }
      var text = (event.clipboardData || window.clipboardData).getData("text");
      if (!/[\t\n]/.test(text.replace(/\s+$/, ""))) { return; }  // one value: the browser pastes it
      event.preventDefault();
      var lines = text.replace(/\r/g, "").replace(/\n+$/, "").split("\n");
      var at = position(input);
      var start = at.rows.indexOf(at.row);
      lines.forEach(function (line, i) {
        var row = at.rows[start + i];
        if (!row) { return; }
        var cells = cellsOf(row);
        line.split("\t").forEach(function (value, j) {
          var cell = cells[at.column + j];
          if (cell) { cell.value = value.trim(); mark(cell); }
        });
      });
    });

    form.addEventListener("input", function (event) {
      if (event.target.tagName === "INPUT" && event.target.closest("tbody")) { mark(event.target); }
    });

    var filter = form.querySelector("[data-filter-rows]");
    if (filter) {
      var fold = function (s) {
        return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
      };
      filter.addEventListener("input", function () {
        var wanted = fold(filter.value.trim());
        rows.forEach(function (row) {
          row.hidden = wanted !== "" && !row.classList.contains("total") && fold(row.dataset.name).indexOf(wanted) < 0;
        });
      });
      filter.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
    }
  });
});
