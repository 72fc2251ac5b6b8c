import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import ROLES, build_world, load_access

RULES, _ = load_access()


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _url_names(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern without a name: {pattern.pattern}"
            yield f"{namespace}{pattern.name}"


def test_every_url_pattern_has_a_row_in_the_matrix():
    names = set(_url_names())
    missing = sorted(names - set(RULES))
    stale = sorted(set(RULES) - names)
    assert not missing, f"URL patterns without a permission rule in tests/<app>/access.py: {missing}"
    assert not stale, f"Permission rules for URL names that no longer exist: {stale}"


def test_every_rule_covers_every_role():
    for name, rule in RULES.items():
        assert set(rule.expected) == set(ROLES), name


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize("url_name", sorted(RULES))
def test_role_answers(url_name, world, client):
    rule = RULES[url_name]
    url = reverse(url_name, kwargs=rule.kwargs(world) if rule.kwargs else None) + rule.query
    wrong = []
    for role in ROLES:
        client.logout()
        if role != "anonyme":
            client.force_login(world.users[role])
        data = rule.data(world) if rule.data else {}
        response = getattr(client, rule.method)(url, data)
        allowed = rule.expected[role]
        allowed = allowed if isinstance(allowed, tuple | set | frozenset) else (allowed,)
        if response.status_code not in allowed:
            wrong.append(f"{role}: got {response.status_code}, expected {allowed}")
        if role == "anonyme" and response.status_code == 302 and url_name not in ("logout",):
            assert response["Location"].startswith("/connexion/"), f"{url}: anonymous sent to {response['Location']}"
    assert not wrong, f"{rule.method.upper()} {url}\n" + "\n".join(wrong)
