"""The public site says what is overdue, shows each figure's definition, and its open-data CSV carries them."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bilans.definitions import texte
from bilans.resultats import CibleAdoptee
from core.enums import Role
from spaser.enums import StatutAction
from spaser.selectors import cibles_adoptees, spaser_adopte
from tests.bilans.helpers import normalise
from tests.core.factories import OrganisationFactory, UserFactory
from tests.spaser.factories import (
    ActionFactory,
    AxeFactory,
    CibleFactory,
    IndicateurFactory,
    ObjectifFactory,
    SpaserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    spaser = SpaserFactory(en_vigueur=True, annee_debut=2020, annee_fin=2030)
    objectif = ObjectifFactory(axe=AxeFactory(spaser=spaser))
    indicateur = IndicateurFactory(objectif=objectif, libelle="Taux de réalisation des heures",
                                   figure="taux_realisation_heures")
    CibleFactory(indicateur=indicateur, annee=2024, valeur=Decimal("0.9"))
    return spaser, objectif


def _action(spaser, objectif, titre, jours, statut):
    return ActionFactory(spaser=spaser, objectif=objectif, titre=titre, statut=statut,
                         echeance=timezone.localdate() + datetime.timedelta(days=jours))


def test_public_site_shows_overdue_actions_as_overdue(client, schema):
    spaser, objectif = schema
    _action(spaser, objectif, "Former les acheteurs", -1, StatutAction.EN_COURS)
    _action(spaser, objectif, "Lancer les Matinales", -30, StatutAction.A_LANCER)
    _action(spaser, objectif, "Allotir les espaces verts", 0, StatutAction.EN_COURS)  # due today: not yet late
    _action(spaser, objectif, "Réserver la reprographie", -10, StatutAction.REALISEE)
    _action(spaser, objectif, "Abandonner le papier", -10, StatutAction.ABANDONNEE)
    ActionFactory(spaser=spaser, titre="Action transversale", statut=StatutAction.EN_COURS,
                  echeance=timezone.localdate() - datetime.timedelta(days=2))
    html = normalise(client.get(reverse("spaser:public_home")).content.decode())
    assert "Former les acheteurs" in html
    assert "(en retard)" in html
    for titre, statut in (("Former les acheteurs", "en retard"), ("Lancer les Matinales", "en retard"),
                          ("Allotir les espaces verts", "en cours"), ("Réserver la reprographie", "réalisée"),
                          ("Abandonner le papier", "abandonnée"), ("Action transversale", "en retard")):
        ligne = html.split(titre, 1)[1].split("</li>", 1)[0]
        assert ligne.endswith(f"({statut})"), (titre, ligne)


def test_public_indicators_and_csv_carry_each_figures_definition(client, schema):
    html = normalise(client.get(reverse("spaser:public_indicateurs")).content.decode())
    definition = normalise(texte("taux_realisation_heures"))
    assert definition.replace("'", "&#x27;") in html
    assert normalise(texte("part_marches_consideration_sociale_nombre")).replace("'", "&#x27;") in html
    content = client.get(reverse("spaser:public_indicateurs_csv")).content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows and all(row["definition"] for row in rows)
    taux = [row for row in rows if row["indicateur"] == "Taux de réalisation des heures"]
    assert taux and {row["definition"] for row in taux} == {texte("taux_realisation_heures")}


def test_adopted_scheme_target_is_the_years_and_says_when_it_was_adopted():
    acheteur = OrganisationFactory(instance=True)
    spaser = SpaserFactory(en_vigueur=True, acheteurs=[acheteur], annee_debut=2024, annee_fin=2028)
    indicateur = IndicateurFactory(objectif=ObjectifFactory(axe=AxeFactory(spaser=spaser)),
                                   figure="part_marches_consideration_sociale_nombre", valeur_reference=None)
    CibleFactory(indicateur=indicateur, annee=2024, valeur=Decimal("0.60"))
    CibleFactory(indicateur=indicateur, annee=2026, valeur=Decimal("0.70"))
    assert spaser_adopte(acheteur=acheteur, annee=2026) == spaser
    assert cibles_adoptees(acheteur, 2026) == {"sociale": CibleAdoptee(cible=Decimal("0.70"),
                                                                   libelle="cible du SPASER adopté le 15/03/2024")}
    assert cibles_adoptees(acheteur, 2025)["sociale"].cible == Decimal("0.65")  # between two targets
    assert cibles_adoptees(acheteur, 2029) == {}  # outside the scheme's period


def test_evaluation_page_shows_each_indicators_definition(client):
    acheteur = OrganisationFactory(instance=True)
    spaser = SpaserFactory(en_vigueur=True, acheteurs=[acheteur])
    objectif = ObjectifFactory(axe=AxeFactory(spaser=spaser))
    IndicateurFactory(objectif=objectif, figure="rythme_realisation_heures")
    IndicateurFactory(objectif=objectif, manuel=True, source="Inventaire du parc")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    html = normalise(client.get(reverse("spaser:evaluation", args=[spaser.pk]), {"annee": "2025"}).content.decode())
    assert normalise(texte("rythme_realisation_heures")).replace("'", "&#x27;") in html
    assert "Valeur saisie à la main par l&#x27;acheteur pour l&#x27;année. Source : Inventaire du parc." in html
