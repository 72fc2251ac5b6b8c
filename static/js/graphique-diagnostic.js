/* Self-diagnosis chart of a purchase family (was inline in templates/clauses/diagnostic_famille.html: the CSP allows no inline script). */
(function () {
  var canvas = document.getElementById("chart-diagnostic");
  if (!canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var colors = ["#1f5f8b", "#2e8b57", "#b8860b"];
  data.datasets.forEach(function (ds, i) { ds.backgroundColor = colors[i % 3]; });
  new Chart(canvas, {type: "bar", data: data, options: {scales: {y: {min: 0, max: 100, title: {display: true, text: "% du maximum"}}}}});
})();
