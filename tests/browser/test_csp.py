"""The Content-Security-Policy (core/entetes.py) in Chromium: pages with charts, forms and confirmation buttons
report no violation (no inline script or style left behind), and what used to be inline still works: charts are
drawn, the clause form hides the fields of the other calculation mode, a delete button asks first."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from clauses.enums import AxeDiagnostic
from clauses.models import DiagnosticQuestion
from clauses.services import diagnostic_enregistrer
from tests.access import build_world, load_access

from .a11y import donnees_des_migrations

# Not serialized_rollback: after another module's transactional test its reload collides with the content types the
# flush recreated; the data migrations' rows are put back by donnees_des_migrations() instead.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RULES, _ = load_access()

ECOUTE = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber));
"""
PAGES = ["bilans:dashboard", "spaser:evaluation", "clauses:diagnostic_famille", "clauses:marche_clauses",
         "marches:detail", "facilitateurs:grille", "core:home", "password_change"]


def _url(world, name):
    rule = RULES[name]
    return reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None) + rule.query


def _contexte(browser, live_server, user):
    context = browser.new_context(locale="fr-FR")
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    context.add_init_script(ECOUTE)
    return context


def test_pages_with_charts_and_forms_break_no_rule_of_the_policy(live_server, browser):
    donnees_des_migrations()
    world = build_world()
    context = _contexte(browser, live_server, world.users["admin"])
    page = context.new_page()
    erreurs = []
    page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: erreurs.append(str(exc)))
    try:
        for name in PAGES:
            response = page.goto(live_server.url + _url(world, name), wait_until="load")
            assert response.status == 200, name
            assert response.headers["content-security-policy"].startswith("default-src 'self'")
            assert page.evaluate("window.__violations") == [], name
            if page.locator("canvas").count():
                # Chart.js (an external script) drew every chart of the page: the inline scripts moved to files run.
                dessines = page.evaluate("[...document.querySelectorAll('canvas')].filter(c => Chart.getChart(c)).length")
                assert dessines == page.locator("canvas").count(), name
        assert [e for e in erreurs if "Content Security Policy" in e or "Refused" in e] == []
    finally:
        context.close()


def test_the_moved_scripts_still_work(live_server, browser):
    donnees_des_migrations()
    world = build_world()
    questions = list(DiagnosticQuestion.objects.filter(is_active=True)) or [
        DiagnosticQuestion.objects.create(axe=AxeDiagnostic.values[0], code="csp-test", texte="Question ?")]
    diagnostic_enregistrer(famille=world.cl_famille, annee=2025, notes={q: 2 for q in questions},
                           user=world.users["admin"])
    context = _contexte(browser, live_server, world.users["admin"])
    page = context.new_page()
    try:
        # The self-diagnosis chart of a purchase family is drawn (it always has one).
        page.goto(live_server.url + _url(world, "clauses:diagnostic_famille"), wait_until="load")
        assert page.evaluate("!!Chart.getChart(document.getElementById('chart-diagnostic'))")
        # A delete button asks first (data-confirmer + static/js/confirmer.js): dismissed, nothing is sent.
        page.goto(live_server.url + _url(world, "marches:detail"), wait_until="load")
        formulaires = page.locator("form[data-confirmer]")
        if formulaires.count():
            questions = []
            page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
            url = page.url
            formulaires.first.locator("button").click()
            page.wait_for_timeout(300)
            assert questions and questions[0].endswith("?")
            assert page.url == url
        assert page.evaluate("window.__violations") == []
    finally:
        context.close()
