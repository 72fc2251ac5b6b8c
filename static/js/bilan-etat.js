/* Bilan page: follows the job (tache-suivi.js) until it ends (was inline in templates/bilans/bilan_detail.html: the
   CSP allows no inline script). */
(function () {
  const box = document.getElementById("etat");
  if (!box || box.dataset.etat === "terminee" || box.dataset.etat === "echec") return;
  window.suivreTache(box.dataset.url, (data) => {
    document.getElementById("etat-libelle").textContent = data.etat_libelle;
  }, (data) => {
    document.getElementById("etat-spinner")?.remove();
    const badge = document.getElementById("etat-libelle");
    badge.className = "badge " + (data.etat === "terminee" ? "badge-ok" : "badge-ko");
    if (data.etat === "echec") document.getElementById("etat-message").textContent = data.message;
    if (data.fichier) document.getElementById("telecharger").classList.remove("d-none");
    // Said by screen readers (role=status, aria-live=polite): the end of the job and the new button.
    const annonce = document.getElementById("etat-annonce");
    if (annonce) {
      annonce.textContent = data.etat === "terminee"
        ? "Bilan " + data.etat_libelle.toLowerCase() + (data.fichier ? " : le bouton « Télécharger le PDF » est disponible." : ".")
        : "Échec de la préparation du bilan. " + (data.message || "");
    }
  });
})();
