"""The SPASER evaluated against the real indicator engine of the bilans, on data built by factories."""

import datetime
from decimal import Decimal

import pytest

from bilans.pdf import SECTIONS_SUPPLEMENTAIRES, bilan_html
from spaser.bilan import section_bilan
from spaser.enums import StatutEvaluation
from spaser.selectors import Moteur, evaluation_spaser, figures_calculees, indicateurs_publics
from tests.bilans.helpers import chiffres_calculer
from tests.clauses.factories import ClauseMarcheFactory
from tests.core.factories import OrganisationFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory
from tests.marches.factories import MarcheFactory
from tests.spaser.factories import CibleFactory, IndicateurFactory, SpaserFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def donnees():
    instance = OrganisationFactory(instance=True)
    notifie = datetime.date(2025, 5, 1)
    social = MarcheFactory(acheteur=instance, montant_ht=D("600000"), date_notification=notifie, clause_sociale=True)
    ClauseMarcheFactory(marche=social, heures_requises=D("500"))
    MarcheFactory(acheteur=instance, montant_ht=D("200000"), date_notification=notifie, clause_environnementale=True)
    MarcheFactory(acheteur=instance, montant_ht=D("100000"), date_notification=notifie)
    MarcheFactory(acheteur=instance, montant_ht=D("100000"), date_notification=notifie)
    MarcheFactory(acheteur=instance, montant_ht=D("99000000"), date_notification=datetime.date(2023, 5, 1))
    HeuresMensuellesFactory(marche=social, mois=datetime.date(2025, 9, 1), heures=D("300"))
    HeuresMensuellesFactory(marche=social, mois=datetime.date(2025, 10, 1), heures=D("150"))
    spaser = SpaserFactory(en_vigueur=True, acheteurs=[instance], titre="SPASER intégré")
    part = IndicateurFactory(objectif__axe__spaser=spaser, libelle="Part sociale (nombre)",
                             figure="part_marches_consideration_sociale_nombre", valeur_reference=D("0.10"))
    CibleFactory(indicateur=part, annee=2025, valeur=D("0.30"))
    valeur = IndicateurFactory(objectif=part.objectif, libelle="Part sociale (valeur)",
                               figure="part_marches_consideration_sociale_montant", valeur_reference=D("0.30"))
    CibleFactory(indicateur=valeur, annee=2025, valeur=D("0.50"))
    heures = IndicateurFactory(objectif=part.objectif, libelle="Heures réalisées", figure="heures_realisees",
                               unite="heures", valeur_reference=D("0"))
    CibleFactory(indicateur=heures, annee=2025, valeur=D("600"))
    return {"instance": instance, "spaser": spaser, "part": part, "valeur": valeur, "heures": heures}


def test_targets_evaluated_against_the_real_engine(donnees):
    resultat = evaluation_spaser(spaser=donnees["spaser"], acheteur=donnees["instance"], annee=2025,
                                 moteur=figures_calculees)
    lignes = {ligne["indicateur"].pk: ligne for ligne in resultat["lignes"]}
    part, valeur, heures = (lignes[donnees[k].pk] for k in ("part", "valeur", "heures"))
    assert part["reel"] == D("0.25")  # 1 of the 4 contracts notified in 2025
    assert part["statut"] == StatutEvaluation.BONNE_VOIE  # 75 % of the way from 10 % to 30 %
    assert valeur["reel"] == D("0.6")  # 600 000 of 1 000 000 €
    assert valeur["statut"] == StatutEvaluation.ATTEINT
    assert heures["reel"] == D("450")
    assert heures["statut"] == StatutEvaluation.BONNE_VOIE and heures["ecart"] == D("-150")


def test_public_indicators_from_the_engine(donnees):
    data = indicateurs_publics(spaser=donnees["spaser"], aujourd_hui=datetime.date(2026, 11, 26),
                               moteur=figures_calculees)
    annee = next(a for a in data["acheteurs"][0]["annees"] if a["annee"] == 2025)
    legal = {item["cle"]: item["valeur"] for item in annee["obligations_legales"]}
    assert legal["marches_notifies_nombre"] == 4 and legal["marches_notifies_montant"] == D("1000000")
    assert legal["part_marches_consideration_environnementale_nombre"] == D("0.25")
    assert [a["annee"] for a in data["acheteurs"][0]["annees"]] == [2024, 2025]  # complete years only


def test_yearly_monitoring_section_in_the_annual_bilan(donnees):
    assert section_bilan in SECTIONS_SUPPLEMENTAIRES  # registered by SpaserConfig.ready()
    html = bilan_html(acheteur=donnees["instance"], annee=2025)
    assert "Suivi annuel du SPASER" in html and "SPASER intégré" in html
    assert "Part sociale (valeur)" in html and "Atteint" in html
    # A buyer no scheme covers gets no section.
    assert section_bilan(OrganisationFactory(partenaire=True), 2025) == ""


def test_obligation_uses_the_yearly_volume(donnees):
    from spaser.selectors import obligation

    assert obligation(acheteur=donnees["instance"], annee=2023)["obligatoire"] is True
    assert obligation(acheteur=donnees["instance"], annee=2025)["obligatoire"] is False
    assert obligation(acheteur=donnees["instance"], annee=2025)["volume"] == D("1000000")
    # A page's (stored figures, bilans.figures): nothing until the job ran, then the same volume.
    for annee in (2023, 2025):
        assert obligation(acheteur=donnees["instance"], annee=annee, moteur=Moteur())["volume"] is None
    assert chiffres_calculer() == 2
    for annee, volume in ((2023, D("99000000")), (2025, D("1000000"))):
        servie = obligation(acheteur=donnees["instance"], annee=annee, moteur=Moteur())
        assert servie["volume"] == volume == obligation(acheteur=donnees["instance"], annee=annee)["volume"]
        assert servie["obligatoire"] is (annee == 2023)


def test_next_two_yearly_publication():
    from spaser.models import Spaser
    from spaser.selectors import prochaine_publication

    adopte = Spaser(annee_debut=2024, annee_fin=2028, date_adoption=datetime.date(2024, 3, 15))
    assert prochaine_publication(spaser=adopte, aujourd_hui=datetime.date(2026, 11, 26)) == datetime.date(2028, 3, 15)
    assert prochaine_publication(spaser=adopte, aujourd_hui=datetime.date(2026, 3, 15)) == datetime.date(2026, 3, 15)
    adopte.annee_depart_publication = 2025
    assert prochaine_publication(spaser=adopte, aujourd_hui=datetime.date(2026, 11, 26)) == datetime.date(2027, 1, 1)
    assert prochaine_publication(spaser=Spaser(annee_debut=2024, annee_fin=2028)) is None
