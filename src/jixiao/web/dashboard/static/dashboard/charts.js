/* Dashboard charts: every [data-chart] element gets the ECharts option stored in the JSON script
   whose id it names (built in Python, passed with json_script). No inline scripts or styles (CSP):
   tooltips use renderMode "richText"; animation is off in the options. */
(function () {
  "use strict";

  var charts = [];

  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || typeof echarts === "undefined") { return; }
    var option = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    el.dataset.drawn = "1";
    charts.push(chart);
  }

  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
  document.addEventListener("toggle", function () { charts.forEach(function (c) { c.resize(); }); }, true);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
}());
