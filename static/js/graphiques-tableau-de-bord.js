/* Dashboard charts from the json_script data (was inline in templates/bilans/dashboard.html: the CSP allows no inline script). */
(function () {
  // Bar charts grow with their number of rows (data-hauteur, in px); set through the CSSOM, which the CSP allows.
  document.querySelectorAll(".graphique[data-hauteur]").forEach((box) => { box.style.height = box.dataset.hauteur + "px"; });
  const charts = JSON.parse(document.getElementById("charts-data").textContent);
  const colors = ["#1f5f8b", "#e07b39", "#4e9a57", "#8e5ea2", "#c0392b"];
  const fmt = new Intl.NumberFormat("fr-FR", {maximumFractionDigits: 1});
  for (const spec of charts) {
    const canvas = document.querySelector(`canvas[data-chart="${spec.key}"]`);
    if (!canvas || typeof Chart === "undefined") continue;
    const horizontal = spec.type === "barres";
    new Chart(canvas, {
      type: spec.type === "ligne" ? "line" : "bar",
      data: {labels: spec.labels, datasets: spec.datasets.map((d, i) => ({...d, backgroundColor: colors[i % colors.length], borderColor: colors[i % colors.length]}))},
      options: {
        indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {legend: {display: spec.datasets.length > 1},
                  tooltip: {callbacks: {label: (ctx) => `${ctx.dataset.label} : ${fmt.format(ctx.parsed[horizontal ? "x" : "y"])}`}}},
        scales: {[horizontal ? "x" : "y"]: {beginAtZero: true, ticks: {callback: (v) => fmt.format(v)}},
                 [horizontal ? "y" : "x"]: {ticks: {autoSkip: false}}},
      },
    });
  }
})();
