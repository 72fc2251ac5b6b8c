/* Forms with data-confirmer="Question ?" ask before they are sent (replaces inline onsubmit handlers, which the
   Content-Security-Policy forbids: core/entetes.py). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirmer]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirmer)) event.preventDefault();
    });
  });
})();
