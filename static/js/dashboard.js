// Draws the oversight dashboard's charts from the JSON the page embeds. Without JavaScript the
// data tables beside each chart carry the same figures.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var palette = ["#0b5cad", "#1e6b34", "#8a5300", "#a3222a", "#5b3f99", "#2b7a8c"];
  var gbp = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var figure = data[canvas.dataset.chart];
    if (!figure || figure.labels.length === 0) { return; }
    var money = canvas.dataset.money === "true";
    new Chart(canvas, {
      type: canvas.dataset.type || "bar",
      data: {
        labels: figure.labels,
        datasets: figure.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: palette[i % palette.length],
                   borderColor: palette[i % palette.length] };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: {
          x: { stacked: canvas.dataset.stacked === "true" },
          y: { stacked: canvas.dataset.stacked === "true", beginAtZero: true,
               ticks: money ? { callback: function (v) { return gbp.format(v); } } : { precision: 0 } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
})();
