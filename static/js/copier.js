/* Copy buttons ([data-copy]) of a contract's clauses (was inline in templates/clauses/marche_clauses.html: the CSP allows no inline script). */
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var text = document.getElementById(button.dataset.copy).innerText;
    navigator.clipboard.writeText(text).then(function () { button.textContent = "Copié"; });
  });
});
