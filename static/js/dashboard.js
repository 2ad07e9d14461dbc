// Draws the dashboards' charts from the JSON each chart carries beside its data table.
(function () {
  "use strict";
  if (!window.Chart) return;
  var palette = ["#c8102e", "#e69500", "#1b6ca8", "#3c8d2f", "#6f42c1", "#6c757d"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var cfg = JSON.parse(source.textContent);
    var stacked = cfg.datasets.length > 1;
    var datasets = cfg.datasets.map(function (d, i) {
      var color = d.type === "line" ? "#343a40" : palette[i % palette.length];
      return {
        label: d.label,
        data: d.data,
        type: d.type || cfg.kind,
        stack: d.stack,
        backgroundColor: color,
        borderColor: color,
        borderWidth: d.type === "line" ? 2 : 0,
        tension: 0.25,
      };
    });
    new window.Chart(canvas, {
      type: cfg.kind,
      data: { labels: cfg.labels, datasets: datasets },
      options: {
        indexAxis: cfg.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: stacked, beginAtZero: true },
          y: { stacked: stacked, beginAtZero: true },
        },
        plugins: { legend: { position: "bottom", display: cfg.datasets.length > 1 } },
      },
    });
  });
})();
