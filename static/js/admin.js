/* Accessibility of the administration (Django admin; loaded by templates/admin/base_site.html). */
(function () {
  "use strict";

  // The autocomplete fields (select2) take the name of their field's label (WCAG 4.1.2).
  function nameAutocompletes() {
    for (const select of document.querySelectorAll("select.admin-autocomplete")) {
      const label = select.id && document.querySelector(`label[for="${select.id}"]`);
      const name = label ? label.textContent.replace(/\s*:\s*$/, "").trim() : select.name;
      const container = select.nextElementSibling;
      if (!container) continue;
      container.querySelectorAll("[role=combobox], [role=textbox]").forEach(el => {
        if (!el.getAttribute("aria-label")) el.setAttribute("aria-label", name);
      });
    }
  }

  // Django's note "Please correct the errors below" is the errors summary: announced, focused.
  function announceErrors() {
    const note = document.querySelector(".errornote");
    if (!note) return;
    note.setAttribute("role", "alert");
    note.setAttribute("tabindex", "-1");
    note.setAttribute("data-erreurs-resume", "");
    note.focus();
  }

  document.addEventListener("DOMContentLoaded", announceErrors);
  window.addEventListener("load", () => setTimeout(nameAutocompletes, 0));
})();
