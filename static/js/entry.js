// Entry page: recompute the rates and statuses shown beside the inputs as the officer
// types, with the same rules as the server (rate = numerator / denominator × 100, nothing
// when the denominator is 0 or empty; a status holds when all its criteria hold). The
// server stays the authority; this only saves a round trip.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) {
    return;
  }
  function valueOf(code) {
    var input = form.querySelector("[name='v_" + code + "']");
    if (!input || input.value.trim() === "") {
      return null;
    }
    var number = Number(input.value);
    return Number.isFinite(number) ? number : null;
  }
  function refresh() {
    form.querySelectorAll("[data-rate-numerator]").forEach(function (row) {
      var numerator = valueOf(row.dataset.rateNumerator);
      var denominator = valueOf(row.dataset.rateDenominator);
      var target = row.querySelector(".computed-value");
      if (numerator === null || !denominator) {
        target.textContent = "—";
      } else {
        target.textContent = (numerator / denominator * 100).toFixed(1).replace(".", ",") + "%";
      }
    });
  }
  function judgeStatuses() {
    // A status holds when every criterion holds; a missing figure does not hold.
    form.querySelectorAll("[data-status-criteria]").forEach(function (row) {
      var criteria = JSON.parse(row.dataset.statusCriteria);
      var values = criteria.map(function (criterion) { return valueOf(criterion.code); });
      var target = row.querySelector(".computed-value");
      if (values.every(function (value) { return value === null; })) {
        target.textContent = "—";
        return;
      }
      var held = criteria.every(function (criterion, index) {
        var value = values[index];
        if (value === null) {
          return false;
        }
        return criterion.comparison === "at_least" ? value >= criterion.value : value <= criterion.value;
      });
      target.textContent = held ? row.dataset.labelHeld : row.dataset.labelNotHeld;
    });
  }
  form.addEventListener("input", refresh);
  form.addEventListener("change", judgeStatuses);
  form.addEventListener("input", judgeStatuses);
})();
