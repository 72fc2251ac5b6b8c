"""Considerations and compliance never change behind the user's back; plausibility at entry; a change of buyer
while a convention covers the contract. Driven through the views, as a user does."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from clauses.enums import TypeClause
from clauses.models import ClauseMarche, ClauseModele
from clauses.services import clause_modele_creer
from core.enums import Role
from marches import services
from marches.enums import StatutConformite
from marches.models import Lot, Marche, Modification
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.facilitateurs.factories import ConventionFactory
from tests.marches.factories import MarcheFactory
from tests.marches.test_concurrence import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def direction():
    return DirectionFactory(organisation=OrganisationFactory(instance=True))


@pytest.fixture
def acheteur(direction):
    client = Client()
    client.force_login(UserFactory(role=Role.ACHETEUR, organisation=direction.organisation, direction=direction))
    return client


@pytest.fixture
def dcp(direction):
    client = Client()
    client.force_login(UserFactory(role=Role.DCP, organisation=direction.organisation))
    return client


@pytest.fixture
def famille():
    return FamilleAchatFactory(prefixes_cpv=["9091"])


def _nouveau(direction, famille, **kw):
    """Cleaning services, 300 000 € estimated (≥ the 216 000 € threshold), launched 01/09/2026."""
    data = {"acheteur": direction.organisation_id, "direction": direction.pk, "famille": famille.pk,
            "categorie": "marche", "identifiant": "2026-077", "objet": "Nettoyage des collèges",
            "code_cpv": "90910000", "nature": "Marché", "procedure": "Appel d'offres ouvert",
            "type_groupement": "Pas de groupement", "valeur_estimee_ht": "300000", "montant_ht": "290000",
            "duree_mois": "48", "date_lancement": "2026-09-01", "date_notification": "2026-11-15",
            "lieu_code": "40000", "lieu_type_code": "Code postal", "offres_recues": "4",
            "clause_sociale_declaree": "on", "clause_environnementale_declaree": "on",
            "critere_environnemental_declare": "on"}
    data.update(kw)
    return data


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_ticks_then_an_insertion_clause_the_contract_stays_compliant(acheteur, direction, famille):
    response = acheteur.post(reverse("marches:create"), _nouveau(direction, famille))
    assert response.status_code == 302
    marche = Marche.objects.get()
    assert marche.statut_conformite == StatutConformite.CONFORME
    modele = clause_modele_creer(modele=ClauseModele(titre="Insertion", type_clause=TypeClause.INSERTION),
                                  texte="Le titulaire réalise {heures_requises}.")
    url = reverse("clauses:clause_ajout", args=[marche.pk]) + f"?modele={modele.pk}"
    response = acheteur.post(url, {"mode_calcul": "taux", "delai": ""}, follow=True)
    assert ClauseMarche.objects.filter(marche=marche).count() == 1
    marche.refresh_from_db()
    assert marche.statut_conformite == StatutConformite.CONFORME
    assert marche.clause_environnementale and marche.critere_environnemental  # the ticks stay
    assert marche.clause_environnementale_declaree and marche.critere_environnemental_declare
    assert marche.clause_sociale
    assert not [m for m in _messages(response) if m.startswith("Conformité")]  # nothing changed: nothing said
    # The form still shows the buyer's ticks, editable, and the result read-only.
    form = acheteur.get(reverse("marches:update", args=[marche.pk])).context["form"]
    assert form["critere_environnemental_declare"].value() and not form.fields["critere_environnemental_declare"] \
        .disabled
    assert form.fields["clause_sociale_declaree"].help_text == ""  # declared too: not only from the clauses


def test_a_save_that_changes_compliance_says_so_naming_the_article(dcp, direction, famille):
    assert dcp.post(reverse("marches:create"), _nouveau(direction, famille)).status_code == 302
    marche = Marche.objects.get()
    url = reverse("marches:update", args=[marche.pk])
    data = form_data(dcp.get(url).context["form"])
    data.pop("critere_environnemental_declare")
    response = dcp.post(url, data, follow=True)
    marche.refresh_from_db()
    assert marche.statut_conformite == StatutConformite.NON_CONFORME
    assert "Conformité : Conforme aux obligations → Obligation manquante (L2152-7 : critère d'attribution " \
           "environnemental absent)" in _messages(response)
    page = response.content.decode()
    assert "Conformité : Conforme aux obligations → Obligation manquante (L2152-7" in page


def test_deleting_the_clause_that_carried_the_social_condition_says_so(dcp, direction, famille):
    assert dcp.post(reverse("marches:create"), _nouveau(direction, famille, clause_sociale_declaree="")) \
        .status_code == 302
    marche = Marche.objects.get()
    assert marche.statut_conformite == StatutConformite.NON_CONFORME
    clause = services.clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION))
    marche.refresh_from_db()
    assert marche.statut_conformite == StatutConformite.CONFORME
    response = dcp.post(reverse("clauses:clause_supprimer", args=[clause.pk]), follow=True)
    messages = _messages(response)
    assert any(m.startswith("Conformité : Conforme aux obligations → Obligation manquante (L2112-2-1 : "
                            "condition d'exécution sociale absente") for m in messages), messages


# --- Plausibility ------------------------------------------------------------------------------------------------

def test_negative_amounts_are_form_errors_in_french(dcp, direction, famille):
    response = dcp.post(reverse("marches:create"), _nouveau(direction, famille, montant_ht="-5"))
    assert response.status_code == 200 and "Un montant ne peut pas être négatif." in response.content.decode()
    response = dcp.post(reverse("marches:create"), _nouveau(direction, famille, valeur_estimee_ht="-5"))
    assert "Un montant ne peut pas être négatif." in response.content.decode()
    assert not Marche.objects.exists()
    marche = MarcheFactory(acheteur=direction.organisation, direction=direction)
    response = dcp.post(reverse("marches:lot_create", args=[marche.pk]), {"intitule": "Lot 1", "montant_ht": "-1"})
    assert response.status_code == 200 and "Un montant ne peut pas être négatif." in response.content.decode()
    assert not Lot.objects.exists()
    response = dcp.post(reverse("marches:modification_create", args=[marche.pk]),
                        {"objet": "Avenant", "montant_ht": "-1000", "date_notification": "2025-09-01"})
    assert response.status_code == 200 and "Un montant ne peut pas être négatif." in response.content.decode()
    assert not Modification.objects.exists()


def test_lots_summing_above_the_contract_amount_are_kept_with_a_warning(dcp, direction):
    marche = MarcheFactory(acheteur=direction.organisation, direction=direction, montant_ht=Decimal("100000"))
    url = reverse("marches:lot_create", args=[marche.pk])
    response = dcp.post(url, {"intitule": "Lot 1", "montant_ht": "60000"}, follow=True)
    assert not [m for m in _messages(response) if "Les lots totalisent" in m]
    response = dcp.post(url, {"intitule": "Lot 2", "montant_ht": "50000"}, follow=True)
    assert Lot.objects.filter(marche=marche).count() == 2  # a warning, not a refusal
    assert ("Les lots totalisent 110\u202f000,00\u00a0€ HT, plus que le montant du marché (100\u202f000,00\u00a0€ HT) "
            ": vérifiez les montants des lots et du marché.") in _messages(response)


# --- A change of buyer while a convention covers the contract ------------------------------------------------------

def test_a_change_of_buyer_is_refused_while_a_convention_covers_the_contract(dcp, direction):
    partenaire = OrganisationFactory(partenaire=True, nom="Commune de Dax")
    marche = MarcheFactory(acheteur=partenaire, date_notification=datetime.date(2025, 6, 1))
    convention = ConventionFactory(partenaire=partenaire, intitule="Insertion Dax 2025")
    convention.marches.add(marche)
    url = reverse("marches:update", args=[marche.pk])
    data = form_data(dcp.get(url).context["form"])
    response = dcp.post(url, {**data, "acheteur": direction.organisation_id, "direction": ""})
    assert response.status_code == 200
    assert "couvert par la convention « Insertion Dax 2025 » (Commune de Dax)" in response.content.decode()
    marche.refresh_from_db()
    assert marche.acheteur == partenaire and list(convention.marches.all()) == [marche]
    # The service refuses too, whatever calls it.
    marche.acheteur = direction.organisation
    with pytest.raises(ValidationError, match="Insertion Dax 2025"):
        services.marche_enregistrer(marche=marche)
    # Without a convention (or once it is detached) the change goes through.
    convention.marches.remove(marche)
    response = dcp.post(url, {**data, "acheteur": direction.organisation_id, "direction": ""})
    assert response.status_code == 302
    assert Marche.objects.get(pk=marche.pk).acheteur == direction.organisation
