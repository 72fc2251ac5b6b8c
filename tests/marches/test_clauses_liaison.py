"""Contracts ↔ clauses and insertion follow-up: derived considerations, links, drafting advisor, clause hours
that follow the contract's amount and lots."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from clauses.enums import TypeClause
from clauses.models import ClauseMarche
from core.enums import Role
from marches import services
from marches.forms import CONSIDERATIONS, MarcheForm
from marches.models import Lot, Marche
from marches.services import clause_marche_enregistrer
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.marches.factories import MarcheFactory
from tests.marches.test_concurrence import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def instance():
    return OrganisationFactory(instance=True)


@pytest.fixture
def marche(instance):
    """1 000 000 € of building works, 50 % labour, 5 % insertion, 30 €/h: 833 h of insertion (rounded down)."""
    return MarcheFactory(acheteur=instance, famille=FamilleAchatFactory(), montant_ht=Decimal("1000000"))


def _insertion(marche, lot=None):
    return clause_marche_enregistrer(clause=ClauseMarche(marche=marche, lot=lot, type_clause=TypeClause.INSERTION))


def _client(user):
    client = Client()
    client.force_login(user)
    return client


# a. Considerations derived from the clauses --------------------------------------------------------------


def test_declared_considerations_stay_editable_and_the_derived_ones_are_shown(instance, marche):
    dcp = UserFactory(role=Role.DCP, organisation=instance)
    _insertion(marche)
    marche.refresh_from_db()
    assert marche.clause_sociale and not marche.clause_sociale_declaree and not marche.critere_environnemental
    form = MarcheForm(instance=marche, user=dcp)
    assert not any(form.fields[name].disabled for name in CONSIDERATIONS)
    assert form.fields["clause_sociale_declaree"].help_text.startswith("Déduites des clauses")
    assert not form.fields["critere_environnemental_declare"].help_text

    client = _client(dcp)
    url = reverse("marches:update", args=[marche.pk])
    page = client.get(url).content.decode()
    assert "Clause sociale (condition d&#x27;exécution) (déduite des clauses)" in page
    data = form_data(client.get(url).context["form"])
    response = client.post(url, {**data, "critere_environnemental_declare": "on", "objet": "Objet revu"})
    assert response.status_code == 302
    marche.refresh_from_db()
    assert marche.objet == "Objet revu"
    # The tick counts alongside the clauses: declared OR derived.
    assert marche.clause_sociale and marche.critere_environnemental and marche.critere_environnemental_declare
    detail = client.get(reverse("marches:detail", args=[marche.pk])).content.decode()
    assert "Clause sociale (déduite des clauses)." in detail
    assert "Critère d'attribution." in detail  # declared: no mention


# b. Links from the contract page -------------------------------------------------------------------------


def test_every_role_that_sees_the_contract_gets_the_three_links_and_can_follow_them(instance):
    direction = DirectionFactory(organisation=instance)
    partenaire = OrganisationFactory(partenaire=True)
    marche_instance = MarcheFactory(acheteur=instance, direction=direction)
    marche_partenaire = MarcheFactory(acheteur=partenaire)
    cas = [(UserFactory(role=Role.ACHETEUR, organisation=instance, direction=direction), marche_instance)]
    cas += [
        (UserFactory(role=role, organisation=instance), marche_instance)
        for role in (Role.DCP, Role.FACILITATEUR, Role.ELU, Role.ADMIN)
    ]
    cas += [(UserFactory(role=Role.PARTENAIRE, organisation=partenaire), marche_partenaire)]
    for user, marche in cas:
        client = _client(user)
        page = client.get(reverse("marches:detail", args=[marche.pk]))
        assert page.status_code == 200, user.role
        for url in (
            reverse("clauses:marche_clauses", kwargs={"marche_pk": marche.pk}),
            reverse("clauses:conseil", kwargs={"marche_pk": marche.pk}),
            reverse("facilitateurs:suivi_marche", kwargs={"pk": marche.pk}),
        ):
            assert f'href="{url}"' in page.content.decode(), (user.role, url)
            assert client.get(url).status_code == 200, (user.role, url)


# c. Drafting advisor on the contract form ----------------------------------------------------------------


def test_contract_form_shows_the_drafting_advisor_and_the_lot_form_does_not(instance, marche):
    client = _client(UserFactory(role=Role.DCP, organisation=instance))
    for url in (reverse("marches:create"), reverse("marches:update", args=[marche.pk])):
        page = client.get(url).content.decode()
        assert 'id="conseil-brouillon"' in page
        assert page.index("</form>") < page.index('id="conseil-brouillon"')
        assert f'data-url="{reverse("clauses:conseil_brouillon")}"' in page
    assert (
        'id="conseil-brouillon"'
        not in client.get(reverse("marches:lot_create", args=[marche.pk])).content.decode()
    )


# d. Clause hours follow the contract's amount and lots ---------------------------------------------------


def test_a_new_amount_recomputes_the_clause_hours(marche):
    clause = _insertion(marche)
    assert clause.heures_requises == Decimal("833")
    user = UserFactory(role=Role.DCP)
    marche = Marche.objects.get(pk=marche.pk)
    marche.montant_ht = Decimal("1200000")
    services.marche_enregistrer(marche=marche, user=user, reason="Modification")
    clause.refresh_from_db()
    assert clause.heures_requises == Decimal("1000")
    assert clause.history.first().history_user == user


def test_a_change_that_does_not_touch_the_amount_leaves_the_clauses_alone(marche):
    clause = _insertion(marche)
    versions = clause.history.count()
    marche = Marche.objects.get(pk=marche.pk)
    marche.objet = "Autre objet"
    services.marche_enregistrer(marche=marche)
    assert clause.history.count() == versions


def test_lot_amount_and_lot_deletion_update_the_clauses(marche):
    lot = services.lot_enregistrer(lot=Lot(marche=marche, intitule="Gros œuvre", montant_ht=Decimal("600000")))
    sur_le_lot = _insertion(marche, lot=lot)
    sur_le_marche = _insertion(marche)
    assert sur_le_lot.heures_requises == Decimal("500")

    lot.montant_ht = Decimal("300000")
    services.lot_enregistrer(lot=lot)
    sur_le_lot.refresh_from_db()
    assert sur_le_lot.heures_requises == Decimal("250")

    # Deleting the lot removes its clause; the contract's own clause keeps the considerations derived.
    services.lot_supprimer(lot=lot)
    assert list(marche.clauses.all()) == [sur_le_marche]
    marche.refresh_from_db()
    assert marche.clause_sociale


def test_lot_delete_recomputes_considerations_from_the_remaining_clauses(marche):
    lot = services.lot_enregistrer(lot=Lot(marche=marche, intitule="Espaces verts", montant_ht=Decimal("100000")))
    clause_save = clause_marche_enregistrer(
        clause=ClauseMarche(marche=marche, lot=lot, type_clause=TypeClause.CRITERE_ENVIRONNEMENTAL)
    )
    _insertion(marche)
    marche.refresh_from_db()
    assert marche.critere_environnemental and clause_save.pk
    services.lot_supprimer(lot=lot)
    marche.refresh_from_db()
    assert marche.clause_sociale and not marche.critere_environnemental


def test_an_amendment_and_its_deletion_recompute_the_clause_hours(marche):
    import datetime

    from marches.models import Modification

    clause = _insertion(marche)
    assert clause.heures_requises == Decimal("833")
    avenant = services.modification_enregistrer(modification=Modification(
        marche=marche, objet="Avenant", montant_ht=Decimal("1200000"), date_notification=datetime.date(2025, 9, 1)))
    clause.refresh_from_db()
    assert clause.heures_requises == Decimal("1000")
    services.modification_supprimer(modification=avenant)
    clause.refresh_from_db()
    assert clause.heures_requises == Decimal("833")
