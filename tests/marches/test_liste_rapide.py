"""The contract list's work saved at national scale (issue 17), each with what it must still show: the exact
number counted once per data version and per query, the filters' form rendered once per data version and per
query, the rows' links and objects as before."""

import datetime

import pytest
from django.db import connection
from django.template.defaultfilters import truncatechars
from django.test.utils import CaptureQueriesContext

from core.enums import Role
from marches.models import Marche
from marches.templatetags.marches_liste import tronquer
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def instance():
    return OrganisationFactory(instance=True)


@pytest.fixture
def dcp(client, instance):
    user = UserFactory(role=Role.DCP, organisation=instance)
    client.force_login(user)
    return user


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def _counts(queries):
    return [q for q in queries if "COUNT(" in q.upper()]


@pytest.mark.parametrize("url", ["/marches/", "/marches/?annee=2025", "/marches/?q=voirie"])
def test_the_number_is_counted_once_per_data_version_and_stays_exact(client, dcp, instance, url):
    voirie = {"acheteur": instance, "objet": "Travaux de voirie", "date_notification": datetime.date(2025, 3, 1)}
    MarcheFactory.create_batch(3, **voirie)
    first, queries = _get(client, url)
    assert first.context["paginator"].count == 3 and _counts(queries)
    again, queries = _get(client, url)
    assert again.context["paginator"].count == 3 and not _counts(queries)  # served from the cache
    MarcheFactory(**voirie)  # moves the data version
    after, queries = _get(client, url)
    assert after.context["paginator"].count == 4 and _counts(queries)
    assert "4 marchés" in after.content.decode()


def test_the_number_is_per_query_and_per_user_scope(client, dcp, instance):
    partenaire = OrganisationFactory(type="partenaire")
    MarcheFactory.create_batch(2, acheteur=instance)
    MarcheFactory(acheteur=partenaire)
    assert client.get("/marches/").context["paginator"].count == 3
    assert client.get(f"/marches/?acheteur={partenaire.pk}").context["paginator"].count == 1
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=partenaire))
    assert client.get("/marches/").context["paginator"].count == 1  # not the DCP's number


def test_the_filters_form_is_rendered_once_per_version_and_shows_a_new_buyer(client, dcp, instance):
    MarcheFactory(acheteur=instance)
    first, queries = _get(client, "/marches/")
    assert any(q.startswith("SELECT \"core_direction\"") for q in queries)
    again, queries = _get(client, "/marches/")
    assert not any(q.startswith(("SELECT \"core_direction\"", "SELECT \"clauses_familleachat\"")) for q in queries)
    assert first.content.decode().split('id="id_acheteur"')[1].split("</select>")[0] == \
        again.content.decode().split('id="id_acheteur"')[1].split("</select>")[0]
    acheteur = OrganisationFactory(type="commune", nom="Commune de Mimizan")
    MarcheFactory(acheteur=acheteur)
    assert "Commune de Mimizan</option>" in client.get("/marches/").content.decode()
    # The chosen values and errors are the query's: another query, another form.
    page = client.get(f"/marches/?acheteur={acheteur.pk}&annee=abc").content.decode()
    assert f'<option value="{acheteur.pk}" selected>Commune de Mimizan</option>' in page
    assert 'id="id_annee_error"' in page


def test_each_row_links_to_its_contract_without_a_thousands_separator(client, dcp, instance):
    marche = MarcheFactory(acheteur=instance, pk=123456)
    page = client.get("/marches/").content.decode()
    assert f'href="/marches/{marche.pk}/"' in page
    assert Marche.objects.count() == 1


@pytest.mark.parametrize("texte", ["Court", "x" * 90, "x" * 91, "é" * 95, "e\u0301" * 60, "Cafe\u0301 " * 30, ""])
def test_tronquer_gives_what_truncatechars_gives(texte):
    assert tronquer(texte, 90) == truncatechars(texte, 90)


def test_a_buyers_to_do_lists_count_all_and_show_the_first_five_in_one_query_each(instance):
    from marches.selectors import A_FAIRE_LIMITE, acheteur_a_faire
    from tests.core.factories import DirectionFactory

    direction = DirectionFactory(organisation=instance)
    acheteur = UserFactory(role=Role.ACHETEUR, organisation=instance, direction=direction)
    brouillons = [MarcheFactory(acheteur=instance, direction=direction, date_notification=None) for _ in range(7)]
    MarcheFactory(acheteur=instance, date_notification=None)  # another direction's: not counted
    with CaptureQueriesContext(connection) as ctx:
        a_faire = acheteur_a_faire(user=acheteur)
    assert len(ctx.captured_queries) == 4  # four lists, each its rows and its number at once
    assert a_faire["brouillons"].nombre == 7
    attendus = sorted(brouillons, key=lambda m: (m.updated_at, m.pk), reverse=True)[:A_FAIRE_LIMITE]
    assert [m.pk for m in a_faire["brouillons"].premiers] == [m.pk for m in attendus]
    assert a_faire["non_conformes"].nombre == 0 and a_faire["non_conformes"].premiers == []


def test_a_contract_page_reads_its_clauses_only_for_a_consideration_it_did_not_declare(client, dcp, instance):
    from tests.marches.test_clauses_liaison import _insertion

    sans = MarcheFactory(acheteur=instance)
    declaree = MarcheFactory(acheteur=instance, clause_sociale_declaree=True)
    deduite = MarcheFactory(acheteur=instance)
    _insertion(deduite)  # an insertion clause: a social clause the contract did not declare
    for marche, lues in ((sans, False), (declaree, False), (deduite, True)):
        marche.refresh_from_db()
        response, queries = _get(client, f"/marches/{marche.pk}/")
        assert any("clauses_clausemarche" in q for q in queries) is lues
        texte = response.content.decode()
        assert ("Clause sociale (déduite des clauses)." in texte) if lues else ("déduit" not in texte)
    assert "Clause sociale." in client.get(f"/marches/{declaree.pk}/").content.decode()


def test_a_capped_count_is_never_served_as_the_exact_one(client, dcp, instance, monkeypatch):
    """A search whose filters are invalid lists every contract (the form's errors shown) but counts them capped:
    the same SQL as the unfiltered list, whose exact number must not be the capped one."""
    from marches.views.marches import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 2)
    MarcheFactory.create_batch(4, acheteur=instance)
    assert client.get("/marches/?q=voirie&annee=abc").context["paginator"].count == 3  # CAP + 1: "plus de 2"
    assert client.get("/marches/").context["paginator"].count == 4
    assert "4 marchés" in client.get("/marches/").content.decode()


def test_the_filters_form_is_per_scope_a_partner_lists_only_its_own_buyer(client, dcp, instance):
    partenaire = OrganisationFactory(type="partenaire", nom="Partenaire Seul")
    MarcheFactory(acheteur=instance)
    dcp_page = client.get("/marches/").content.decode()  # rendered and cached for the DCP's scope
    assert f">{instance.nom}</option>" in dcp_page and ">Partenaire Seul</option>" in dcp_page
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=partenaire))
    acheteurs = client.get("/marches/").content.decode().split('id="id_acheteur"')[1].split("</select>")[0]
    assert ">Partenaire Seul</option>" in acheteurs and f">{instance.nom}</option>" not in acheteurs
