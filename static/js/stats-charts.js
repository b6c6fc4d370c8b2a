/* Draws every <canvas data-spec="ID"> from the JSON in <script id="ID" type="application/json">,
   written by stats.series.Series.chart(). No inline scripts, no other host. */
(function () {
  "use strict";

  var COLOURS = {
    male: "#4e79a7",
    female: "#e15759",
    total: "#59a14f",
    refugees: "#0b5cad",
    asylum_seekers: "#f28e2b",
    female_share: "#1d2430"
  };
  var FALLBACK = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2"];
  var number = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function dataset(spec, item, index) {
    var colour = COLOURS[item.key.replace(/_spans$/, "")] || FALLBACK[index % FALLBACK.length];
    var ds = {
      label: item.label,
      data: item.data,
      backgroundColor: colour,
      borderColor: colour
    };
    if (item.type === "line") {
      ds.type = "line";
      ds.yAxisID = "share";
      ds.borderWidth = 2;
      ds.pointRadius = 2;
      ds.order = -1;
      if (item.points_only) {
        // A period of several years: a marker apart from the yearly line.
        ds.showLine = false;
        ds.pointStyle = "rectRot";
        ds.pointRadius = 6;
      }
    } else {
      if (spec.stacked) {
        ds.stack = "sex";
      }
      if (spec.spans && spec.spans.indexOf(true) !== -1) {
        // Bars of several years are paler than the single years beside them.
        ds.backgroundColor = spec.spans.map(function (span) { return span ? colour + "66" : colour; });
      }
    }
    return ds;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-spec"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var horizontal = spec.kind === "hbar";
    var box = canvas.parentElement;
    if (horizontal) {
      var rows = parseInt(box.getAttribute("data-rows"), 10) || 1;
      box.style.height = Math.max(12, rows * spec.datasets.length * 1.1 + 4) + "rem";
    }
    var valueAxis = horizontal ? "x" : "y";
    var categoryAxis = horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      stacked: spec.stacked,
      ticks: { callback: function (v) { return number.format(v); } }
    };
    scales[categoryAxis] = { stacked: spec.stacked, ticks: { autoSkip: !horizontal } };
    if (spec.datasets.some(function (d) { return d.type === "line"; })) {
      scales.share = {
        position: "right",
        min: 0,
        max: 100,
        grid: { drawOnChartArea: false },
        ticks: { callback: function (v) { return v + "%"; } }
      };
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (item, i) { return dataset(spec, item, i); })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        responsive: true,
        animation: false,
        scales: scales,
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = horizontal ? ctx.parsed.x : ctx.parsed.y;
                if (v === null || v === undefined) { return ctx.dataset.label + ": –"; }
                var unit = ctx.dataset.yAxisID === "share" ? "%" : "";
                return ctx.dataset.label + ": " + number.format(v) + unit;
              }
            }
          }
        }
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-spec]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
