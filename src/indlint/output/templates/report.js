
(function () {
  "use strict";
  var table = document.querySelector("table[data-sortable]");
  if (!table || !table.tHead || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, i, numeric) {
    var cell = row.cells[i];
    var text = cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
    if (!numeric) { return text.trim(); }
    var n = parseFloat(text);
    return isNaN(n) ? -Infinity : n;
  }
  function sortBy(th, i) {
    var numeric = th.getAttribute("data-type") === "number";
    var up = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, i, numeric), y = key(b, i, numeric);
      var c = numeric ? (x > y) - (x < y) : x.localeCompare(y, "zh-CN");
      return up ? c : -c;
    });
    heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }
  heads.forEach(function (th, i) {
    var button = th.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(th, i); }); }
  });
  table.setAttribute("data-sortable", "ready");
})();
(function () {
  "use strict";
  var button = document.getElementById("toggle-info");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var hidden = document.body.classList.toggle("hide-info");
    button.setAttribute("aria-pressed", hidden ? "true" : "false");
    button.textContent = hidden ? "显示提示" : "隐藏提示";
  });
})();
