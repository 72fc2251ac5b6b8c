/* Page of a contracts' import run as a background job (templates/marches/import_tache.html): while the job runs,
   the status section is read again every 2 seconds from the same page and its parts replaced, until the job ends. Its
   status line is a polite live region: screen readers say the new step and the end. Without JavaScript, the
   page's "Actualiser" link does the same. */
(function () {
  const zone = document.querySelector("[data-import-suivi]");
  if (!zone || zone.hasAttribute("data-fini")) return;
  const suivant = () => setTimeout(actualiser, 2000);
  async function actualiser() {
    try {
      const response = await fetch(zone.dataset.url, {credentials: "same-origin"});
      if (response.ok) {
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const nouvelle = page.querySelector("[data-import-suivi]");
        if (nouvelle) {
          // Part by part: the live region itself stays in place, only its content changes (and is said).
          zone.querySelectorAll("[data-partie]").forEach((partie) => {
            const remplacante = nouvelle.querySelector(`[data-partie="${partie.dataset.partie}"]`);
            if (remplacante) partie.innerHTML = remplacante.innerHTML;
          });
          zone.dataset.etat = nouvelle.dataset.etat;
          if (nouvelle.hasAttribute("data-fini")) {
            zone.setAttribute("data-fini", "");
            return;
          }
        }
      }
    } catch (e) { /* network hiccup: try again */ }
    suivant();
  }
  suivant();
})();
