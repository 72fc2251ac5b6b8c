import shutil

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.urls.converters import IntConverter

from tests.access import APPS, ROLES, NotOwned, Owned, build_world, load_access, load_ownership, url_patterns

RULES, _ = load_access()
OWNERSHIP = load_ownership()
REFUSED = {"get": (403, 404, 405), "post": (403, 404, 405)}


def _url_names():
    return (name for name, _pattern in url_patterns())


def _patterns_with_id():
    """URL names whose pattern takes an integer (an object id)."""
    for name, pattern in url_patterns():
        if any(isinstance(c, IntConverter) for c in getattr(pattern.pattern, "converters", {}).values()):
            yield name


def test_every_url_pattern_has_a_row_in_the_matrix():
    names = set(_url_names())
    missing = sorted(names - set(RULES))
    stale = sorted(set(RULES) - names)
    assert not missing, f"URL patterns without a permission rule in tests/<app>/access.py: {missing}"
    assert not stale, f"Permission rules for URL names that no longer exist: {stale}"


def test_every_rule_covers_every_role():
    for name, rule in RULES.items():
        assert set(rule.expected) == set(ROLES), name


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The matrix's world, built once for the module inside a transaction that is rolled back at its end.
    Each test still runs in its own savepoint (the `db` fixture, below), rolled back after it: a request
    that writes (a POST of the matrix) never leaks into the next test. The world's files are stored in a
    folder of the module and copied into each test's own MEDIA_ROOT, so files do not leak either."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    world.media = media
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(_module_world, db, settings):
    shutil.copytree(_module_world.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return _module_world


@pytest.mark.parametrize("turn", ["first", "second"])
def test_one_tests_writes_do_not_reach_the_next(turn, world):
    """Whichever runs second sees the world as built: the shared world is rolled back after each test."""
    from core.models import Organisation
    from marches.models import Marche
    from tests.core.factories import OrganisationFactory

    assert not Organisation.objects.filter(nom="Sentinelle du test précédent").exists()
    assert Marche.objects.filter(pk=world.marche.pk).exists()
    OrganisationFactory(nom="Sentinelle du test précédent")
    Marche.objects.filter(pk=world.marche.pk).delete()


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
            assert response["Location"].startswith("/connexion/"), (
                f"{url}: anonymous sent to {response['Location']}"
            )
    assert not wrong, f"{rule.method.upper()} {url}\n" + "\n".join(wrong)


# --- Ownership: ids of another buyer's objects -----------------------------------------------------------


def test_every_url_with_an_id_states_who_owns_its_object():
    with_id = set(_patterns_with_id())
    assert with_id, "no URL with an integer id found: the pattern walk is broken"
    missing = sorted(with_id - set(OWNERSHIP))
    stale = sorted(set(OWNERSHIP) - with_id)
    assert not missing, (
        "URLs taking an id without an ownership row (Owned or NotOwned) in "
        f"tests/<app>/access.py OWNERSHIP: {missing}"
    )
    assert not stale, f"Ownership rows for URLs that take no id or no longer exist: {stale}"
    for name, row in OWNERSHIP.items():
        assert isinstance(row, Owned | NotOwned), name
        if isinstance(row, NotOwned):
            assert len(row.reason) > 20, f"{name}: say why its object belongs to no buyer"


def _etat_base():
    """Every row of the project's models (history included), to prove an attempt wrote nothing."""
    etat = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            etat[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return etat


def _client(user):
    client = Client()
    client.force_login(user)
    return client


OWNED = sorted(name for name, row in OWNERSHIP.items() if isinstance(row, Owned))


@pytest.mark.parametrize("url_name", OWNED)
def test_another_buyers_object_is_out_of_reach(url_name, world):
    row = OWNERSHIP[url_name]
    rule = RULES[url_name]
    data = row.data or rule.data
    partenaire_a, partenaire_b = _client(world.users["partenaire"]), _client(world.partenaire_b)
    acheteur, admin = _client(world.users["acheteur"]), _client(world.users["admin"])
    attempts = [
        ("partenaire B sur l'objet du partenaire A", partenaire_b, row.partenaire),
        ("partenaire A sur l'objet du partenaire B", partenaire_a, row.autre_partenaire),
    ]
    if row.instance:
        attempts.append(("partenaire A sur l'objet de l'instance", partenaire_a, row.instance))
    sans_organisation = _client(world.partenaire_sans_organisation)
    attempts.append(
        ("partenaire sans organisation sur l'objet du partenaire A", sans_organisation, row.partenaire)
    )
    if row.instance:
        attempts.append(
            ("partenaire sans organisation sur l'objet de l'instance", sans_organisation, row.instance)
        )
    if row.autre_direction:
        attempts.append(("acheteur sur un marché d'une autre direction", acheteur, row.autre_direction))

    # The ids are real: the administrator reaches each object, its owner partner is not told "not found".
    for label, kwargs in (
        ("instance", row.instance),
        ("partenaire", row.partenaire),
        ("autre_partenaire", row.autre_partenaire),
        ("autre_direction", row.autre_direction),
    ):
        if kwargs:
            url = reverse(url_name, kwargs=kwargs(world)) + rule.query
            assert admin.get(url).status_code != 404, (
                f"{url} ({label}): the administrator gets 404, not a real id"
            )
    own = reverse(url_name, kwargs=row.partenaire(world)) + rule.query
    assert partenaire_a.get(own).status_code != 404, f"{own}: partner A gets 404 on its own object"

    before = _etat_base()
    wrong = []
    for label, client, kwargs in attempts:
        url = reverse(url_name, kwargs=kwargs(world)) + rule.query
        for method in ("get", "post"):
            response = getattr(client, method)(
                url, (data(world) if data else {}) if method == "post" else None
            )
            if response.status_code not in REFUSED[method]:
                wrong.append(f"{method.upper()} {url} — {label}: {response.status_code}")
    assert not wrong, "Another buyer's object reached:\n" + "\n".join(wrong)
    after = _etat_base()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"{url_name}: refused attempts still wrote to {changed}"
