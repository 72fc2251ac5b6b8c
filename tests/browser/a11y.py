"""Accessibility and small-screen checks run in Chromium: axe-core (bundled by `axe-playwright-python`, no
download) on the WCAG 2.0/2.1 A and AA rules, and the horizontal overflow of a page at a phone's width.

Each check returns a list of French-free, precise lines (rule, impact, the offending nodes' selectors and
axe's summary) that the tests put in their failure message next to the role and the URL."""

from functools import cache
from importlib import resources

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_WIDTH = 390
LAPTOP_WIDTH = 1366


@cache
def axe_source() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[str]:
    """axe-core on the whole document, WCAG 2.0/2.1 A and AA rules only: one line per offending node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
            .then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary,
                                          html: n.html.slice(0, 160)}))})))""",
        WCAG_TAGS,
    )
    lines = []
    for violation in result:
        lines.append(f"[{violation['id']}] ({violation['impact']}) {violation['help']}")
        for node in violation["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())[:300]
            lines.append(f"    {node['target']}  {node['html']}  -> {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more nodes")
    return lines


OVERFLOW_JS = """
width => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= width) return {scrollWidth: doc.scrollWidth, culprits: []};
  // Elements sticking out of the viewport that are not inside a box scrolling or clipping them.
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
    }
    return false;
  };
  const path = el => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 5; e = e.parentElement) {
      let part = e.tagName.toLowerCase();
      if (e.id) part += '#' + e.id;
      else if (e.classList.length) part += '.' + [...e.classList].slice(0, 3).join('.');
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0 && !clipped(el)) {
      // Keep the innermost: skip an element whose child is itself reported.
      const childOver = [...el.children].some(c => c.getBoundingClientRect().right > width + 1);
      if (!childOver) out.push(`${path(el)} (right edge at ${Math.round(r.right)} px, ` +
                              `width ${Math.round(r.width)} px): "${(el.textContent || '').trim().slice(0, 60)}"`);
    }
    if (out.length >= 6) break;
  }
  return {scrollWidth: doc.scrollWidth, culprits: out};
}
"""


def overflow(page, width=PHONE_WIDTH) -> list[str]:
    """Empty when the page fits `width`; else the document width and the elements sticking out."""
    result = page.evaluate(OVERFLOW_JS, width)
    if result["scrollWidth"] <= width:
        return []
    return [f"page width {result['scrollWidth']} px > {width} px", *("    " + c for c in result["culprits"])]


# The data migrations' seeding functions (idempotent: get_or_create). A transactional test flushes the database at
# its end, and those rows with it; Django's serialized rollback cannot put them back after another module's flush
# (the content types it reloads exist again), so the browser tests of the whole site call this first.
SEMIS_DES_MIGRATIONS = (
    ("marches.migrations.0004_seuils_europeens", "seed"),
    ("clauses.migrations.0004_questions_diagnostic", "create_questions"),
)


def donnees_des_migrations():
    """Put back the rows the data migrations create (European thresholds, diagnostic questions)."""
    from importlib import import_module

    from django.apps import apps

    for module, fonction in SEMIS_DES_MIGRATIONS:
        getattr(import_module(module), fonction)(apps, None)
