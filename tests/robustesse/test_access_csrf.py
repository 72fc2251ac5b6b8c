"""CSRF is enforced everywhere: no view is exempt; a POST without a token to any URL of the permission matrix,
from a user the matrix lets in, answers 403 with a French page and writes nothing; the same POST rules with a
token get the matrix's answer (so the 403 is the token's doing, not a permission's)."""

from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.access import ROLES, build_world, load_access, url_patterns
from tests.test_access_matrix import _etat_base

RULES, _ = load_access()
PASSE = (200, 302)


def _statuts(rule, role):
    allowed = rule.expected[role]
    return set(allowed) if isinstance(allowed, tuple | set | frozenset) else {allowed}


def _role_admis(rule):
    """A role the matrix lets through (200 or 302), the most privileged first; None if no one."""
    for role in ("admin", "dcp", "facilitateur", "acheteur", "elu", "partenaire", "anonyme"):
        if _statuts(rule, role) & set(PASSE):
            return role
    return None


def _client(world, role):
    client = Client(enforce_csrf_checks=True)
    if role != "anonyme":
        client.force_login(world.users[role])
    return client


def _url(rule, name, world):
    return reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None) + rule.query


def test_no_view_is_csrf_exempt():
    exempt = sorted(name for name, pattern in url_patterns() if getattr(pattern.callback, "csrf_exempt", False))
    assert not exempt, f"Views exempt from CSRF: {exempt}"


def test_every_url_refuses_a_post_without_token_and_writes_nothing(db):
    world = build_world()
    assert set(ROLES) >= {"admin", "anonyme"}
    clients = {role: _client(world, role) for role in ROLES}
    before = _etat_base()
    wrong, essais = [], 0
    for name, rule in sorted(RULES.items()):
        role = _role_admis(rule)
        if role is None:
            continue
        essais += 1
        data = rule.data(world) if rule.data else {}
        response = clients[role].post(_url(rule, name, world), data)
        if response.status_code != 403 or "Formulaire expiré" not in response.content.decode():
            wrong.append(f"POST {name} ({role}) sans jeton : {response.status_code}")
    assert essais > 50, "too few URLs tried: the walk is broken"
    assert not wrong, "\n".join(wrong)
    after = _etat_base()
    assert not [label for label in before if before[label] != after[label]], "a refused POST wrote"


def test_the_post_rules_pass_with_a_token(db):
    """Control: the matrix's POST rules, with a valid token, get the matrix's answer."""
    world = build_world()
    essais = 0
    for name, rule in sorted(RULES.items()):
        role = _role_admis(rule)
        if rule.method != "post" or role is None:
            continue
        client = _client(world, role)
        token = get_token(RequestFactory().get("/"))
        client.cookies["csrftoken"] = token
        data = {**(rule.data(world) if rule.data else {}), "csrfmiddlewaretoken": token}
        response = client.post(_url(rule, name, world), data)
        assert response.status_code in _statuts(rule, role), f"POST {name} ({role}) avec jeton"
        essais += 1
    assert essais >= 5
