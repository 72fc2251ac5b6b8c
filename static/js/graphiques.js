/* Every chart of the application (templates/_graphique.html): a Chart.js canvas[data-chart] and its data in the
   json_script "graphique-donnees-<key>" (bilans.graphiques.Graphique.chartjs). Labels are never cut: they wrap
   onto several lines to fit the space the axis has; count axes step by whole numbers. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  const couleurs = ["#1f5f8b", "#e07b39", "#4e9a57", "#8e5ea2", "#c0392b"];
  const nombre = new Intl.NumberFormat("fr-FR", {maximumFractionDigits: 1});

  function formater(format, v) {
    if (v === null || v === undefined) return "—";
    const texte = nombre.format(v);
    return texte + ({pourcent: " %", euros: " €", heures: " h"}[format] || "");
  }

  // A label as lines of at most `max` characters (a longer word is broken).
  function couper(texte, max) {
    const lignes = [];
    let ligne = "";
    for (let mot of String(texte).split(/\s+/)) {
      while (mot.length > max) {
        if (ligne) { lignes.push(ligne); ligne = ""; }
        lignes.push(mot.slice(0, max));
        mot = mot.slice(max);
      }
      if (!ligne) ligne = mot;
      else if ((ligne + " " + mot).length <= max) ligne += " " + mot;
      else { lignes.push(ligne); ligne = mot; }
    }
    if (ligne) lignes.push(ligne);
    return lignes.length ? lignes : [""];
  }

  const largeurCaractere = 7;  // px, Chart.js's 12 px default font

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const source = document.getElementById("graphique-donnees-" + canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    const boite = canvas.parentElement;
    if (boite && boite.dataset.hauteur) boite.style.height = boite.dataset.hauteur + "px";
    const horizontal = spec.type === "barres";
    const axeValeurs = horizontal ? "x" : "y";
    const axeLibelles = horizontal ? "y" : "x";
    const format = spec.datasets.length ? spec.datasets[0].format : "nombre";
    new Chart(canvas, {
      type: spec.type === "ligne" ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          const couleur = couleurs[i % couleurs.length];
          return {label: d.label, data: d.data, backgroundColor: couleur, borderColor: couleur, spanGaps: true,
                  borderDash: d.pointilles ? [6, 4] : undefined};
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {
          legend: {display: spec.datasets.length > 1},
          tooltip: {callbacks: {
            title: function (items) { return items.length ? String(spec.labels[items[0].dataIndex]) : ""; },
            label: function (ctx) {
              const d = spec.datasets[ctx.datasetIndex];
              return d.label + " : " + formater(d.format, ctx.parsed[axeValeurs]);
            },
          }},
        },
        scales: {
          [axeValeurs]: {beginAtZero: true, ticks: {
            precision: spec.entier ? 0 : undefined,
            callback: function (v) { return formater(format, v); },
          }},
          [axeLibelles]: {ticks: {autoSkip: false, maxRotation: 0, callback: function (valeur) {
            // Horizontal bars: the labels get at most 45 % of the width (Chart.js cuts a wider axis);
            // columns and lines: each label gets its share of the width.
            const largeur = this.chart.width || 300;
            const place = horizontal ? largeur * 0.45 : largeur / Math.max(spec.labels.length, 1);
            return couper(this.getLabelForValue(valeur), Math.max(Math.floor(place / largeurCaractere) - 1, 6));
          }}},
        },
      },
    });
  });
})();
