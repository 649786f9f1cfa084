// Filter a long list of checkboxes (the unit-change form's units) by name or code.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll("input[data-filter-for]").forEach(function (box) {
    var list = document.getElementById(box.dataset.filterFor);
    if (!list) return;
    box.addEventListener("input", function () {
      var wanted = fold(box.value.trim());
      list.querySelectorAll(".form-check").forEach(function (item) {
        var shown = !wanted || fold(item.textContent).indexOf(wanted) !== -1 || item.querySelector("input").checked;
        item.hidden = !shown;
      });
    });
  });
})();
