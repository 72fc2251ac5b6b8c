/* Clause advice while drafting a contract (was inline in templates/clauses/_conseil_brouillon.html: the CSP allows no inline script). */
(function () {
  var box = document.getElementById("conseil-brouillon");
  if (!box) return;
  var byId = function (id) { return document.getElementById(id); };
  var cpv = byId("id_code_cpv"), famille = byId("id_famille"), date = byId("id_date_lancement");
  var montant = byId("id_valeur_estimee_ht") || byId("id_montant_ht"), autre = byId("id_montant_ht");
  var couleurs = {obligatoire: "danger", recommandee: "success", a_envisager: "info", non_prioritaire: "secondary"};
  var timer = null;
  function esc(text) { var d = document.createElement("div"); d.textContent = text; return d.innerHTML; }
  function render(data) {
    var html = "";
    data.recommandations.forEach(function (r) {
      html += '<div class="card mb-2 border-' + couleurs[r.niveau] + '"><div class="card-body py-2">' +
        '<span class="badge text-bg-' + couleurs[r.niveau] + '">' + esc(r.niveau_label) + '</span> <strong>' + esc(r.titre) +
        '</strong><ul class="small mb-0 mt-1">' + r.raisons.map(function (x) { return "<li>" + esc(x) + "</li>"; }).join("") +
        "</ul></div></div>";
    });
    box.querySelector("[data-role=liste]").innerHTML = html;
    box.querySelector("[data-role=etat]").textContent = data.famille ? "Famille d'achat : " + data.famille : "Famille d'achat inconnue.";
  }
  function refresh() {
    var params = new URLSearchParams();
    if (cpv && cpv.value) params.set("cpv", cpv.value);
    if (famille && famille.value) params.set("famille", famille.value);
    var m = (montant && montant.value) || (autre && autre.value) || "";
    if (m) params.set("montant", m);
    if (date && date.value) params.set("date_lancement", date.value);
    fetch(box.dataset.url + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; }).then(function (data) { if (data) render(data); });
  }
  function suggest() {
    if (!cpv || !famille || famille.value || !cpv.value) return;
    fetch(box.dataset.suggestion + "?cpv=" + encodeURIComponent(cpv.value), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.famille && !famille.value) { famille.value = String(data.famille.id); refresh(); } });
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 300); }
  [cpv, famille, montant, autre, date].forEach(function (el) { if (el) { el.addEventListener("change", later); el.addEventListener("input", later); } });
  if (cpv) cpv.addEventListener("change", suggest);
  suggest();
  refresh();
})();
