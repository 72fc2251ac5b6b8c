"""Every page of every role, in Chromium: fits a 390 px phone and passes axe-core's WCAG 2.0/2.1 A/AA rules.

The pages come from the access matrix (tests/access.py): for each role of `ROLES`, every URL whose GET answers
200 for that role, with the matrix's kwargs and query. A new role or a new URL with its matrix row is therefore
covered without touching this file. Downloads (CSV, XLSX, PDF, JSON, RSS) are not pages and are skipped.

On each page that has a form posting data (a field marked required), the form is also sent emptied: the answer
must be the page again with its errors summary (role="alert"), a title starting "Erreur – " and still no
violation. Nothing is written: the emptied form is invalid.

One browser for the module, one context per role (logged in with the session of Django's test client)."""

import os
import re
import time
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.access import ROLES, build_world, load_access

from .a11y import LAPTOP_WIDTH, PHONE_WIDTH, axe_violations, donnees_des_migrations, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULES, _ = load_access()


def _allows_200(rule, role) -> bool:
    allowed = rule.expected[role]
    allowed = allowed if isinstance(allowed, tuple | set | frozenset) else (allowed,)
    return 200 in allowed


def pages_for(role, world):
    """(URL name, path with query) of every page the matrix says `role` gets with a 200 on GET.
    A11Y_PAGES=<regex> (environment) keeps only the URL names it matches, to rerun a few pages while fixing."""
    keep = re.compile(os.environ.get("A11Y_PAGES", ""))
    for name, rule in sorted(RULES.items()):
        if rule.method != "get" or not _allows_200(rule, role) or not keep.search(name):
            continue
        url = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None) + rule.query
        if rule.data:
            url += ("&" if "?" in url else "?") + urlencode(rule.data(world), doseq=True)
        yield name, url


def role_context(browser, live_server, world, role, width=PHONE_WIDTH):
    """A browser context at `width` px, logged in as `role` (the test client's session cookie)."""
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 800})
    if role != "anonyme":
        client = Client()
        client.force_login(world.users[role])
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
              "url": live_server.url}]
        )
    return context


def open_page(page, url):
    """The response of an HTML page, or None for a download / a non-HTML answer."""
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightError as exc:
        if "Download is starting" in str(exc):
            return None
        raise
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return None
    return response


# A form to send emptied: posts, has a visible field marked required (so not a bare confirmation button).
FORM_WITH_REQUIRED_JS = """
() => [...document.querySelectorAll('main form')].findIndex(f =>
    (f.getAttribute('method') || 'get').toLowerCase() === 'post' &&
    [...f.querySelectorAll('button[type=submit], button:not([type]), input[type=submit]')]
      .some(b => b.offsetParent !== null) &&
    [...f.querySelectorAll('input[required], select[required], textarea[required]')]
      .some(e => e.type !== 'hidden' && e.offsetParent !== null))
"""

SUBMIT_EMPTIED_JS = """
index => {
  const form = [...document.querySelectorAll('main form')][index];
  form.noValidate = true;
  for (const e of form.querySelectorAll('input[required], select[required], textarea[required]')) {
    if (e.type === 'checkbox' || e.type === 'radio') e.checked = false;
    else if (e.tagName === 'SELECT') e.selectedIndex = -1;
    else if (e.type !== 'hidden') e.value = '';
  }
  const submitter = form.querySelector('button[type=submit], button:not([type]), input[type=submit]');
  form.requestSubmit(submitter || undefined);
}
"""


def check_page(page, role, label) -> list[str]:
    """Overflow at the phone's width, then axe-core at the laptop's (the menu is unfolded there)."""
    problems = [f"overflow at {PHONE_WIDTH} px: {line}" for line in overflow(page)]
    page.set_viewport_size({"width": LAPTOP_WIDTH, "height": 800})
    try:
        problems += [f"axe: {line}" for line in axe_violations(page)]
    finally:
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    return [f"{role} {label}"] + ["  " + p for p in problems] if problems else []


def check_form_errors(page, role, url) -> list[str]:
    index = page.evaluate(FORM_WITH_REQUIRED_JS)
    if index < 0:
        return []
    label = f"POST {url} (form sent emptied)"
    try:
        with page.expect_navigation(wait_until="load") as navigation:
            page.evaluate(SUBMIT_EMPTIED_JS, index)
    except PlaywrightError as exc:
        page.goto("about:blank")
        return [f"{role} {label}", f"  the emptied form got no page back: {str(exc).splitlines()[0]}"]
    response = navigation.value
    problems = []
    if response is not None and response.status not in (200, 400, 422):
        problems.append(f"  status {response.status} (an invalid form answers 200, 400 or 422 with its errors)")
    if response is not None and response.request.redirected_from is not None:
        # A view may refuse by redirecting with an error message (role="alert", from base.html's messages).
        if not page.locator("main .alert-danger[role=alert], main .alert-warning[role=alert]").count():
            problems.append(f"  the emptied form was accepted: redirected to {page.url} without an error message")
    else:
        title = page.title()
        # The administration (Django admin) keeps its own "Erreur : " prefix; the application says "Erreur – ".
        prefix = "Erreur – " if page.locator("footer.pied-de-page").count() else "Erreur"
        if not title.startswith(prefix):
            problems.append(f"  title does not start with {prefix!r}: {title!r}")
        if page.locator("[data-erreurs-resume][role=alert]").count() != 1:
            problems.append("  no errors summary [data-erreurs-resume][role=alert] at the top of the page")
    found = check_page(page, role, label)
    if problems and not found:
        found = [f"{role} {label}"]
    return found + problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_passes_axe(role, live_server, browser):
    donnees_des_migrations()  # a previous test's flush removed them
    world = build_world()
    context = role_context(browser, live_server, world, role)
    page = context.new_page()
    page.set_default_timeout(20000)
    failures, visited, forms = [], 0, 0
    started = time.monotonic()
    try:
        for name, url in pages_for(role, world):
            response = open_page(page, live_server.url + url)
            if response is None:
                continue
            if response.status != 200:
                failures.append(f"{role} GET {url} ({name}): status {response.status}, the matrix says 200")
                continue
            visited += 1
            failures += check_page(page, role, f"GET {url} ({name})")
            has_form = page.evaluate(FORM_WITH_REQUIRED_JS) >= 0
            failures += check_form_errors(page, role, url)
            forms += has_form
    finally:
        context.close()
    print(f"{role}: {visited} pages, {forms} forms with errors, {time.monotonic() - started:.1f} s")
    assert visited, f"{role}: no page visited, the matrix walk is broken"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonyme"])
def test_navbar_fits_one_line_on_a_laptop_and_collapses_on_a_phone(role, live_server, browser):
    donnees_des_migrations()  # a previous test's flush removed them
    world = build_world()
    for width in (LAPTOP_WIDTH, PHONE_WIDTH):
        context = role_context(browser, live_server, world, role, width=width)
        page = context.new_page()
        try:
            page.goto(live_server.url + reverse("core:home"))
            boxes = page.evaluate(
                """() => [...document.querySelectorAll('nav.navbar .navbar-brand, nav.navbar .nav-link,'
                      + ' nav.navbar .navbar-text, nav.navbar form button')]
                      .filter(e => e.offsetParent !== null)
                      .map(e => ({text: e.textContent.trim(), top: e.getBoundingClientRect().top,
                                  bottom: e.getBoundingClientRect().bottom}))"""
            )
            toggler = page.locator("nav.navbar .navbar-toggler")
            if width == LAPTOP_WIDTH:
                assert not toggler.is_visible(), f"{role}: the menu is collapsed at {width} px"
                top = min(b["top"] for b in boxes)
                below = [b["text"] for b in boxes if b["top"] >= top + 20]
                assert not below, f"{role}: at {width} px the navbar wraps; on a second line: {below}"
                assert page.evaluate("document.documentElement.scrollWidth") <= width, (
                    f"{role}: at {width} px the navbar sticks out sideways")
            else:
                assert toggler.is_visible(), f"{role}: no menu button at {width} px"
                assert [b["text"] for b in boxes if b["text"]] == [page.locator(".navbar-brand").inner_text()], (
                    f"{role}: at {width} px the menu is not collapsed: {[b['text'] for b in boxes]}"
                )
                toggler.click()
                page.locator("#nav .nav-link").first.wait_for(state="visible")
                assert page.evaluate("document.documentElement.scrollWidth") <= width
        finally:
            context.close()


def test_hours_grid_with_errors_names_each_field_and_passes_axe(live_server, browser):
    """The hours grid (a formset, no required field, so not covered by the emptied forms above): a wrong number of
    hours gives the errors summary, each field says whose hours and which month, axe finds nothing."""
    donnees_des_migrations()  # a previous test's flush removed them
    world = build_world()
    rule = RULES["facilitateurs:grille"]
    url = live_server.url + reverse("facilitateurs:grille", kwargs=rule.kwargs(world)) + rule.query
    context = role_context(browser, live_server, world, "facilitateur", width=LAPTOP_WIDTH)
    page = context.new_page()
    try:
        page.goto(url)
        names = page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=grille] input[name$=heures]')]"
            ".map(e => e.getAttribute('aria-label'))"
        )
        assert names and all(n.startswith("Heures – ") for n in names), names
        assert len(set(names)) == len(names), f"two hours fields share a name: {names}"
        field = page.locator("[data-testid=grille] input[name$=heures]").first
        field.fill("beaucoup")
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer le relevé").click()
        assert page.title().startswith("Erreur – "), page.title()
        assert page.locator("[data-erreurs-resume][role=alert]").count() == 1
        invalid = page.locator("[data-testid=grille] [aria-invalid=true]").first
        described = invalid.get_attribute("aria-describedby")
        assert described and page.locator(f"#{described.split()[0]}").inner_text().strip(), described
        problems = axe_violations(page)
        assert not problems, f"facilitateur POST {url} (hours grid with errors)\n" + "\n".join(problems)
    finally:
        context.close()
