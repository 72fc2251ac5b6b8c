"""Dashboards and the PDF measure the shares against the SPASER's adopted target for the year when there is one,
and say which target it is; an objective exactly at its target is reached."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bilans.pdf import bilan_pdf
from bilans.resultats import ObjectifNational, ObjectifsNationaux
from bilans.selectors import CIBLE_SOCIALE, indicateurs_annuels, objectifs_de_l_annee
from core.enums import Role
from spaser.enums import StatutSpaser
from tests.bilans.helpers import normalise, page_chiffres, pdf_text
from tests.core.factories import UserFactory
from tests.marches.factories import MarcheFactory
from tests.spaser.factories import AxeFactory, CibleFactory, IndicateurFactory, ObjectifFactory, SpaserFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _schema(acheteur, *, cible_2025, statut=StatutSpaser.EN_VIGUEUR, figure="part_marches_consideration_sociale_nombre",
            acheteurs=None):
    spaser = SpaserFactory(statut=statut, date_adoption=datetime.date(2024, 3, 12) if statut != "brouillon" else None,
                           acheteurs=acheteurs if acheteurs is not None else [acheteur])
    indicateur = IndicateurFactory(objectif=ObjectifFactory(axe=AxeFactory(spaser=spaser)), figure=figure)
    CibleFactory(indicateur=indicateur, annee=2025, valeur=cible_2025)
    return spaser


def test_the_adopted_scheme_target_replaces_the_national_one(client, jeu):
    """The jeu: 2 of 5 contracts notified in 2025 have a social consideration (40 %): reached against the PNAD's
    30 %, not against the scheme's 70 %."""
    national = indicateurs_annuels(acheteur=jeu.instance, annee=2025).objectifs.sociale
    assert (national.cible, national.cible_source, national.atteint) == (CIBLE_SOCIALE, "pnad", True)
    _schema(jeu.instance, cible_2025=D("0.70"))
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    sociale = data.objectifs.sociale
    assert sociale.cible == D("0.70") and sociale.part == D("0.4") and sociale.atteint is False
    assert sociale.cible_source == "spaser"
    assert sociale.cible_libelle == "cible du SPASER adopté le 12/03/2024"
    assert data.objectifs.environnementale.cible_source == "pnad"  # the scheme sets no env. share
    assert data.objectifs_nationaux.sociale.cible == CIBLE_SOCIALE  # kept apart, for comparison

    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))
    html = normalise(page_chiffres(client, reverse("bilans:dashboard"), {"annee": 2025}).content.decode())
    assert "cible 70 %, cible du SPASER adopté le 12/03/2024" in html
    assert "cible nationale PNAD" in html  # the environmental share, without a scheme target
    text = pdf_text(bilan_pdf(acheteur=jeu.instance, annee=2025))
    assert "cible : 70 %, cible du SPASER adopté le 12/03/2024" in text
    assert "Cible nationale : 30 %" not in text


def test_a_draft_scheme_or_another_buyers_scheme_does_not_set_the_target(jeu):
    _schema(jeu.instance, cible_2025=D("0.70"), statut=StatutSpaser.BROUILLON)
    _schema(jeu.partenaire, cible_2025=D("0.90"))
    sociale = indicateurs_annuels(acheteur=jeu.instance, annee=2025).objectifs.sociale
    assert (sociale.cible, sociale.cible_libelle) == (CIBLE_SOCIALE, "cible nationale PNAD")


def test_an_objective_exactly_at_its_target_is_reached(jeu):
    _schema(jeu.instance, cible_2025=D("0.40"))  # 2 of 5 contracts: exactly 40 %
    sociale = indicateurs_annuels(acheteur=jeu.instance, annee=2025).objectifs.sociale
    assert sociale.part == sociale.cible == D("0.4") and sociale.atteint is True
    def nationaux(part):
        objectif = ObjectifNational(cible=D("0.3"), part=part, part_montant=None, atteint=False)
        return ObjectifsNationaux(sociale=objectif, environnementale=objectif)

    assert objectifs_de_l_annee(nationaux(D("0.3")), {}).sociale.atteint is True
    assert objectifs_de_l_annee(nationaux(D("0.2999")), {}).sociale.atteint is False


def test_national_target_exactly_reached(jeu):
    """3 of 10 contracts with a social consideration: exactly the PNAD's 30 %."""
    for n in range(5):
        MarcheFactory(acheteur=jeu.instance, clause_sociale=n == 0)
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    assert data.objectifs_nationaux.sociale.part == D("0.3")
    assert data.objectifs_nationaux.sociale.atteint is True
    assert data.objectifs.sociale.atteint is True
