/* Placement form's employer list (facilitateurs.forms.EmployeurSelect): shows only the companies of the contract
   chosen in the form's `marche` field. Loaded by the widget itself, next to its <select> (data-select: its id). */
(function () {
  var select = document.getElementById(document.currentScript.dataset.select); if (!select || !select.form) return;
  var marche = select.form.querySelector("[name=marche]"); if (!marche) return;
  function filtrer() {
    var choisi = marche.value;
    select.querySelectorAll("optgroup").forEach(function (groupe) {
      var visible = !choisi || groupe.dataset.marche === choisi || groupe.dataset.marche === "";
      groupe.hidden = !visible; groupe.disabled = !visible;
    });
  }
  marche.addEventListener("change", filtrer); filtrer();
})();
