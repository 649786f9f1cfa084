// Entry page: recompute the rates shown beside the inputs as the officer types, with the
// same rule as the server (numerator / denominator × 100, nothing when the denominator
// is 0 or empty). The server stays the authority; this only saves a round trip.
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
  form.addEventListener("input", refresh);
})();
