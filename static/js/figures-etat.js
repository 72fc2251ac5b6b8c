/* A page showing figures being computed (templates/bilans/_figures_etat.html): polls the job's state until it ends,
   then offers to show the new figures (no automatic reload: the reader keeps their place). */
(function () {
  const box = document.getElementById("figures-etat");
  if (!box || !box.dataset.url) return;
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.url, {headers: {"Accept": "application/json"}});
      if (response.ok) {
        const data = await response.json();
        const libelle = document.getElementById("figures-etat-libelle");
        if (libelle && data.etat_libelle) libelle.textContent = data.etat_libelle.toLowerCase();
        if (data.etat === "terminee" || data.etat === "echec") {
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
          return;
        }
      }
    } catch (e) { /* network hiccup: try again */ }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1000);
})();
