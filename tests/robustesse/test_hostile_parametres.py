"""Hostile values in the query string never give a 500. For every GET URL of the permission matrix (tests/access.py)
that a role may read, the query parameters the view reads are found by recording the keys it looks up in the
request's QueryDict; they are then sent with each hostile value (Unicode digits that `str.isdigit()`
accepts but `int()` refuses, a 20-digit id past every integer column, a negative, an exponent, empty, a very
long string, a NUL byte), all the page's parameters at once. Anonymous on the public pages, an administrator on
every page."""

import pytest
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from tests.access import build_world, load_access

RULES, _ = load_access()

HOSTILES = ["²", "²²", "²²²²", "٣", "99999999999999999999", "-1", "1e5", "", "x" * 3000, "a\x00b", "2026-T²", "²-T1"]
SAUTES = {"logout"}  # GET ends the session: the rest of the walk would run anonymous
# Django's own admin (/administration/) parses its own query string (lookups of its list filters, `_to_field`):
# left to Django, not walked here.
PREFIXES_SAUTES = ("admin:",)


@pytest.fixture
def enregistreur(monkeypatch):
    """The keys the view looked up in any MultiValueDict (request.GET, its copies, the forms' data)."""
    lues = set()
    getitem, getlist, contains = MultiValueDict.__getitem__, MultiValueDict.getlist, dict.__contains__

    def __getitem__(self, key):
        lues.add(key)
        return getitem(self, key)

    def _getlist(self, key, default=None):
        lues.add(key)
        return getlist(self, key, default)

    def __contains__(self, key):
        lues.add(key)
        return contains(self, key)

    monkeypatch.setattr(MultiValueDict, "__getitem__", __getitem__)
    monkeypatch.setattr(MultiValueDict, "getlist", _getlist)
    monkeypatch.setattr(MultiValueDict, "__contains__", __contains__)
    return lues


def _base_query(rule) -> dict:
    from django.http import QueryDict

    return dict(QueryDict(rule.query.lstrip("?")).items())


def _marcher(client, world, role, enregistreur):
    """(URLs walked, their parameters, failures)."""
    if role != "anonyme":
        client.force_login(world.users[role])
    vus, echecs, parametres = 0, [], {}
    for name, rule in sorted(RULES.items()):
        if (rule.method != "get" or name in SAUTES or name.startswith(PREFIXES_SAUTES)
                or rule.expected[role] != 200):
            continue
        url = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)
        base = _base_query(rule)
        enregistreur.clear()
        if client.get(url, base).status_code != 200:
            continue
        cles = {k for k in enregistreur if isinstance(k, str)} - {"csrfmiddlewaretoken"}
        parametres[name] = cles
        vus += 1
        if not cles:
            continue
        for valeur in HOSTILES:  # every parameter of the page at once: each is parsed on its own (a form field)
            response = client.get(url, {**base, **dict.fromkeys(cles, valeur)})
            if response.status_code >= 500:
                echecs.append(f"{name} {url}?{','.join(sorted(cles))}={valeur[:30]!r}: {response.status_code}")
    return vus, parametres, echecs


@pytest.mark.parametrize("role", ["anonyme", "admin"])
def test_hostile_query_values_never_give_a_500(role, db, client, enregistreur):
    client.raise_request_exception = False
    world = build_world()
    vus, parametres, echecs = _marcher(client, world, role, enregistreur)
    assert vus > (5 if role == "anonyme" else 40), f"only {vus} pages answered 200: the walk is broken"
    if role == "anonyme":  # control: the recorder sees the forecast's filters
        assert {"famille", "trimestre", "page"} <= parametres["spaser:public_programmation"]
    assert not echecs, "\n".join(echecs)


@pytest.mark.django_db
def test_a_nul_character_in_the_query_string_is_refused_before_any_view(client):
    """PostgreSQL can neither store nor compare a NUL character: refused (400, French page) for every URL."""
    reponse = client.get("/spaser/public/programmation/", {"q": "a\x00b"})
    assert reponse.status_code == 400
    assert "caractère nul" in reponse.content.decode()
    assert client.get("/spaser/public/programmation/", {"q": "ab"}).status_code == 200
