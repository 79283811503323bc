// Supervisor dashboard charts (Chart.js from static/vendor). Data comes from the page's json_script.
(function () {
  "use strict";
  var PALETTE = ["#1456c8", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#c2255c", "#5c940d", "#495057"];

  function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }

  function draw() {
    var el = document.getElementById("dashboard-data");
    if (!el || typeof Chart === "undefined") { return; }
    var data = JSON.parse(el.textContent);
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.size = 12;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.animation = false;

    var vol = data.volume;
    new Chart(document.getElementById("chart-volume"), {
      type: "line",
      data: {
        labels: vol.partial ? vol.labels.slice(0, -1).concat([vol.labels[vol.labels.length - 1] + "（今日，未完）"]) : vol.labels,
        datasets: vol.series.map(function (s, i) {
          return { label: s.label, data: s.data, borderColor: PALETTE[i % PALETTE.length],
                   backgroundColor: PALETTE[i % PALETTE.length] + "33", fill: true, pointRadius: 0, tension: 0.2, borderWidth: 1.5,
                   // today is a partial day: its segment dashed, not read as a drop
                   segment: { borderDash: function (ctx) { return vol.partial && ctx.p1DataIndex === vol.labels.length - 1 ? [5, 4] : undefined; } } };
        })
      },
      options: { interaction: { mode: "index", intersect: false },
                 scales: { y: { stacked: true, beginAtZero: true }, x: { ticks: { maxTicksLimit: 12 } } },
                 plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } } }
    });

    new Chart(document.getElementById("chart-sla"), {
      type: "doughnut",
      data: { labels: ["绿灯", "黄灯", "红灯"],
              datasets: [{ data: [data.sla.green, data.sla.yellow, data.sla.red], backgroundColor: ["#22c55e", "#eab308", "#ef4444"] }] },
      options: { plugins: { legend: { position: "bottom" } } }
    });

    function accuracyChart(id, rows, horizontal) {
      new Chart(document.getElementById(id), {
        type: "bar",
        data: {
          labels: rows.labels,
          datasets: [
            { label: "智能派单占比 %", data: rows.ai_share.map(pct), backgroundColor: "#93b4f0" },
            { label: "智能派单准确率 %", data: rows.ai_accuracy.map(pct), backgroundColor: "#1456c8" },
            { label: "派单准确率 %", data: rows.accuracy.map(pct), backgroundColor: "#2f9e44" }
          ]
        },
        options: { indexAxis: horizontal ? "y" : "x",
                   scales: horizontal ? { x: { min: 0, max: 100 } } : { y: { min: 0, max: 100 } },
                   plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } },
                              tooltip: { callbacks: { afterBody: function (items) {
                                var i = items[0].dataIndex;
                                return "退单 " + rows.returned[i] + " · 改派 " + rows.redispatched[i];
                              } } } } }
      });
    }
    accuracyChart("chart-acc-category", data.by_category, false);
    accuracyChart("chart-acc-department", data.by_department, true);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
