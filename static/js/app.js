/* Accessibility and small screens, on every page (loaded by templates/base.html).
   - Wide tables scroll inside their own box (.table-responsive), reachable by keyboard when they scroll.
   - After a form with errors, focus goes to the errors summary; after a filter, to the results. */
(function () {
  "use strict";

  const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";

  function labelFor(box, table) {
    const caption = table && table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    if (table && table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    // The nearest heading before the box.
    for (let el = box; el && el !== document.body; el = el.parentElement) {
      for (let s = el.previousElementSibling; s; s = s.previousElementSibling) {
        const h = /^H[1-6]$/.test(s.tagName) ? s : s.querySelector && s.querySelector("h1, h2, h3, h4, h5, h6");
        if (h && h.textContent.trim()) return h.textContent.trim();
      }
    }
    return "Tableau";
  }

  function scrollBox(box) {
    // A box that scrolls sideways must be reachable by keyboard and named (WCAG 2.1.1, RGAA 7.3).
    if (box.scrollWidth <= box.clientWidth + 1 || box.hasAttribute("tabindex")) return;
    if (box.querySelector(FOCUSABLE)) return;
    box.setAttribute("tabindex", "0");
    if (!box.hasAttribute("role")) box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      box.setAttribute("aria-label", labelFor(box, box.querySelector("table")) + " (défilement horizontal)");
    }
  }

  function wrapTables() {
    for (const table of document.querySelectorAll("main table")) {
      if (table.closest(".table-responsive")) continue;
      const box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    }
    document.querySelectorAll(".table-responsive, [data-defilement]").forEach(scrollBox);
  }

  function focusAfterLoad() {
    const summary = document.querySelector("[data-erreurs-resume]");
    if (summary) {
      summary.focus();
      return;
    }
    const params = new URLSearchParams(window.location.search);
    if (![...params.keys()].length) return;
    // Only the filters of a list (role="search"): a month picker or a year selector is not a search.
    const forms = [...document.querySelectorAll("main form[role=search]")];
    const filtered = forms.find(f => [...params.keys()].some(k => k === "page" || f.elements.namedItem(k)));
    if (!filtered) return;
    let target = document.querySelector("[data-resultats]");
    if (!target) {
      target = filtered.nextElementSibling;
      while (target && target.tagName === "SCRIPT") target = target.nextElementSibling;
    }
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({preventScroll: false});
  }

  function oneErrorPattern() {
    // Forms are checked by the server, which answers with the errors summary and messages tied to each field
    // (the browser's own bubbles are not announced the same way and vanish): one error pattern everywhere.
    for (const form of document.querySelectorAll("main form")) {
      if (!form.hasAttribute("data-validation-navigateur")) form.noValidate = true;
    }
    // A link of the errors summary puts the focus in its field, not only the view.
    document.addEventListener("click", event => {
      const link = event.target.closest("[data-erreurs-resume] a[href^='#']");
      if (!link) return;
      const field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!field) return;
      event.preventDefault();
      field.focus();
      field.scrollIntoView({block: "center"});
    });
  }

  function ready() {
    wrapTables();
    oneErrorPattern();
    focusAfterLoad();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
