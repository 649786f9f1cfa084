/* Dashboard charts: a bar per child unit (with its target line) and a trend across
   periods, for the indicator chosen in #chart-indicator. Data comes from the
   json_script block, so no inline script is needed (strict CSP). */
(function () {
  "use strict";

  function init() {
    var dataNode = document.getElementById("chart-data");
    var select = document.getElementById("chart-indicator");
    if (!dataNode || !select || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(dataNode.textContent);
    var byCode = {};
    data.charts.forEach(function (chart) { byCode[chart.code] = chart; });
    var childrenCanvas = document.getElementById("chart-children");
    var trendCanvas = document.getElementById("chart-trend");
    var childrenChart = null;
    var trendChart = null;
    var common = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true } },
      plugins: { legend: { position: "bottom" } }
    };

    function draw(code) {
      var chart = byCode[code];
      if (!chart) { return; }
      if (childrenCanvas) {
        var datasets = [{ type: "bar", label: data.labels.value + " (" + chart.measure + ")", data: chart.values, backgroundColor: "#0d6efd" }];
        if (chart.targets.some(function (t) { return t !== null; })) {
          datasets.push({ type: "line", label: data.labels.target, data: chart.targets, borderColor: "#dc3545", backgroundColor: "#dc3545", pointRadius: 3, borderDash: [6, 4] });
        }
        if (childrenChart) { childrenChart.destroy(); }
        childrenChart = new Chart(childrenCanvas, { data: { labels: chart.children, datasets: datasets }, options: common });
      }
      var trendSets = [{ type: "line", label: chart.name, data: chart.trend, borderColor: "#198754", backgroundColor: "#198754", spanGaps: true }];
      if (chart.target !== null) {
        trendSets.push({ type: "line", label: data.labels.target, data: chart.trendLabels.map(function () { return chart.target; }), borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0 });
      }
      if (trendChart) { trendChart.destroy(); }
      trendChart = new Chart(trendCanvas, { data: { labels: chart.trendLabels, datasets: trendSets }, options: common });
    }

    select.addEventListener("change", function () { draw(select.value); });
    draw(select.value);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // The CDN did not answer: static/js/vendor-fallback.js loaded the local Chart.js.
  document.addEventListener("damha:vendor-loaded", function (event) {
    if (event.detail === "chartjs") { init(); }
  });
})();
