/* Dashboard: sections open on wide screens (a phone leads with the tiles and the
   scorecard and opens details on demand), and the charts — a bar per child unit (with
   its target line) and a trend across periods, for the indicator chosen in
   #chart-indicator — drawn when their section is opened. Data comes from the
   json_script block, so no inline script is needed (strict CSP). */
(function () {
  "use strict";

  var WIDE = "(min-width: 768px)";

  function openOnWideScreens() {
    if (!window.matchMedia(WIDE).matches) { return; }
    document.querySelectorAll("details[data-open-wide]").forEach(function (node) { node.open = true; });
  }

  function initCharts() {
    var dataNode = document.getElementById("chart-data");
    var select = document.getElementById("chart-indicator");
    var section = document.getElementById("charts-details");
    if (!dataNode || !select || !section || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(dataNode.textContent);
    var byCode = {};
    data.charts.forEach(function (chart) { byCode[chart.code] = chart; });
    var childrenCanvas = document.getElementById("chart-children");
    var trendCanvas = document.getElementById("chart-trend");
    var note = document.getElementById("chart-note");
    var childrenChart = null;
    var trendChart = null;

    function options(chart) {
      // Counts tick in whole numbers (no 0.2, 0.4 … cases).
      var ticks = chart.whole ? { precision: 0 } : {};
      return {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: ticks } },
        plugins: { legend: { position: "bottom" } }
      };
    }

    function draw(code) {
      var chart = byCode[code];
      if (!chart) { return; }
      if (note) { note.textContent = chart.note; }
      if (childrenCanvas) {
        // A unit that has not reported has no bar and says so under its name; a 0 is a
        // thin bar on the axis, so the two never look the same.
        var labels = chart.children.map(function (name, i) {
          return chart.reported[i] ? name : [name, "(" + data.labels.notReported + ")"];
        });
        var colours = chart.values.map(function (value, i) { return chart.reported[i] ? "#0d6efd" : "#adb5bd"; });
        var datasets = [{
          type: "bar", label: data.labels.value + " (" + chart.measure + ")", data: chart.values,
          backgroundColor: colours, minBarLength: 3
        }];
        if (chart.targets.some(function (t) { return t !== null; })) {
          datasets.push({ type: "line", label: data.labels.target, data: chart.targets, borderColor: "#dc3545", backgroundColor: "#dc3545", pointRadius: 3, borderDash: [6, 4], showLine: false });
        }
        if (childrenChart) { childrenChart.destroy(); }
        childrenChart = new Chart(childrenCanvas, { data: { labels: labels, datasets: datasets }, options: options(chart) });
      }
      var trendSets = [{ type: "line", label: chart.name, data: chart.trend, borderColor: "#198754", backgroundColor: "#198754", spanGaps: false }];
      if (chart.target !== null) {
        trendSets.push({ type: "line", label: data.labels.target, data: chart.trendLabels.map(function () { return chart.target; }), borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0 });
      }
      if (trendChart) { trendChart.destroy(); }
      trendChart = new Chart(trendCanvas, { data: { labels: chart.trendLabels, datasets: trendSets }, options: options(chart) });
    }

    var drawn = false;
    function drawWhenOpen() {
      if (section.open && !drawn) { drawn = true; draw(select.value); }
    }
    select.addEventListener("change", function () { draw(select.value); });
    section.addEventListener("toggle", drawWhenOpen);
    drawWhenOpen();
  }

  function init() {
    openOnWideScreens();
    initCharts();
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
