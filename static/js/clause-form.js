/* Clause form: shows the fields of the chosen calculation mode (was inline in templates/clauses/clause_form.html: the CSP allows no inline script). */
(function () {
  var mode = document.getElementById("id_mode_calcul");
  if (!mode) return;
  function show(id, visible) { var el = document.getElementById("div_id_" + id); if (el) el.style.display = visible ? "" : "none"; }
  function update() {
    var forfait = mode.value === "forfait";
    show("euros_par_heure", forfait);
    ["part_pct", "taux_pct", "cout_horaire"].forEach(function (id) { show(id, !forfait); });
  }
  mode.addEventListener("change", update);
  update();
})();
