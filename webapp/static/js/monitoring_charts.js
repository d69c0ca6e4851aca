// Draws the monitoring charts with ECharts from the page's JSON endpoint (workflows.runtime.charts).
(function () {
  "use strict";

  function option(chart) {
    var line = chart.kind === "line";
    return {
      title: { text: chart.title, left: "center", textStyle: { fontSize: 14 } },
      color: ["#3b6fd8", "#d9534f", "#f0ad4e", "#5cb85c"],  // the second series is the late / overdue one
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 56, containLabel: true },
      xAxis: { type: "category", data: chart.categories, axisLabel: { interval: 0, rotate: chart.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: chart.series.map(function (s) {
        var one = { name: s.name, type: line ? "line" : "bar", data: s.data };
        if (s.stack) { one.stack = s.stack; }
        return one;
      })
    };
  }

  function draw(section, charts) {
    charts.forEach(function (chart) {
      var box = document.createElement("div");
      box.className = "chart";
      box.id = "chart-" + chart.id;
      box.dataset.chart = chart.id;
      section.appendChild(box);
      var drawn = echarts.init(box, null, { renderer: "canvas" });
      drawn.setOption(option(chart));
      window.addEventListener("resize", function () { drawn.resize(); });
    });
    section.dataset.drawn = String(charts.length);
  }

  document.querySelectorAll(".monitoring-charts").forEach(function (section) {
    fetch(section.dataset.chartsUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { draw(section, data.charts); })
      .catch(function () { section.querySelector(".charts-error").hidden = false; });
  });
})();
