/* The two charts of a published report's page (stats/report.html), drawn from the same frozen
   figures as its tables (the JSON in #report-charts). ECharts is served locally (vendor/echarts). */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || !window.echarts) return;
  var charts = JSON.parse(source.textContent);
  var palette = ["#2a61a8", "#3a8f54", "#c77c1b"];

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) return;
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption(Object.assign({ color: palette, animation: false, grid: { left: 8, right: 24, top: 48, bottom: 8, containLabel: true } }, option));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var s = charts.scores;
  draw("chart-scores", {
    title: { text: s.title, textStyle: { fontSize: 14 } },
    tooltip: {},
    xAxis: { type: "value", max: 100 },
    yAxis: { type: "category", data: s.names.slice().reverse(), axisLabel: { width: 120, overflow: "truncate" } },
    series: [{ type: "bar", data: s.values.slice().reverse(), label: { show: true, position: "right" } }]
  });

  var r = charts.rates;
  draw("chart-rates", {
    title: { text: r.title, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    legend: { top: 22 },
    grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: r.names, axisLabel: { interval: 0, rotate: r.names.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: r.series.map(function (one) { return { type: "bar", name: one.name, data: one.values }; })
  });
})();
