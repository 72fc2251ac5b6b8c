/* Follows a background job from a page: asks its state (core's JSON: etat, etat_libelle, message, fichier) every
   2 s, calls `chaqueEtat(data)` on each answer and `fin(data)` once the job has ended (terminee or echec).
   Loaded before the page's own script: bilan-etat.js (the bilan's PDF), figures-etat.js (a page's figures). */
window.suivreTache = function (url, chaqueEtat, fin) {
  const poll = async () => {
    try {
      const response = await fetch(url, {headers: {"Accept": "application/json"}});
      if (response.ok) {
        const data = await response.json();
        chaqueEtat(data);
        if (data.etat === "terminee" || data.etat === "echec") {
          fin(data);
          return;
        }
      }
    } catch (e) { /* network hiccup: try again */ }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1000);
};
