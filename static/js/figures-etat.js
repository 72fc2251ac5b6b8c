/* A page showing figures being computed (templates/bilans/_figures_etat.html): follows the job (tache-suivi.js)
   until it ends, then offers to show the new figures (no automatic reload: the reader keeps their place). */
(function () {
  const box = document.getElementById("figures-etat");
  if (!box || !box.dataset.url) return;
  window.suivreTache(box.dataset.url, (data) => {
    const libelle = document.getElementById("figures-etat-libelle");
    if (libelle && data.etat_libelle) libelle.textContent = data.etat_libelle.toLowerCase();
  }, (data) => {
    document.getElementById("figures-etat-spinner")?.remove();
    const annonce = document.getElementById("figures-etat-annonce");
    if (data.etat === "terminee") {
      const lien = document.getElementById("figures-pretes");
      lien.href = window.location.href;
      lien.classList.remove("d-none");
      if (annonce) annonce.textContent = "Les chiffres sont prêts : le bouton « Afficher les chiffres à jour » est disponible.";
    } else {
      document.getElementById("figures-etat-message").textContent =
        "Le calcul a échoué : " + (data.message || "") + " Rechargez la page pour le relancer.";
      if (annonce) annonce.textContent = "Échec du calcul des chiffres.";
    }
  });
})();
