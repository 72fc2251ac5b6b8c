/* SPASER evaluation charts from the json_script data (was inline in templates/spaser/evaluation.html: the CSP allows no inline script). */
(function () {
  var el = document.getElementById("spaser-charts");
  if (!el || typeof Chart === "undefined") return;
  var fmt = function (unite, v) {
    if (v === null || v === undefined) return "—";
    if (unite === "pourcent") return (v * 100).toLocaleString("fr-FR", {maximumFractionDigits: 1}) + " %";
    return v.toLocaleString("fr-FR", {maximumFractionDigits: 0}) + (unite === "euros" ? " €" : unite === "heures" ? " h" : "");
  };
  JSON.parse(el.textContent).forEach(function (c) {
    var canvas = document.getElementById(c.id);
    if (!canvas) return;
    new Chart(canvas, {
      type: "line",
      data: {labels: c.annees, datasets: [
        {label: "Réalisé", data: c.reel, borderColor: "#1f5f8b", backgroundColor: "#1f5f8b", spanGaps: true},
        {label: "Cible", data: c.cible, borderColor: "#2e8b57", borderDash: [6, 4], backgroundColor: "#2e8b57", spanGaps: true}
      ]},
      options: {animation: false, scales: {y: {beginAtZero: true, ticks: {callback: function (v) { return fmt(c.unite, v); }}}},
        plugins: {tooltip: {callbacks: {label: function (ctx) { return ctx.dataset.label + " : " + fmt(c.unite, ctx.parsed.y); }}}}}
    });
  });
})();
