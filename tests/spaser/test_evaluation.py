"""The target rule against figures of the indicator engine (a typed engine result built here: the evaluation takes it
as input)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from bilans.resultats import Bloc, Indicateurs, Realisation
from spaser.enums import Sens, StatutEvaluation
from spaser.evaluation import cible_de_l_annee, evaluer_indicateur, statut
from spaser.figures import FIGURES, figure_value
from spaser.selectors import evaluation_spaser
from tests.spaser.factories import CibleFactory, IndicateurFactory, SpaserFactory, ValeurManuelleFactory

D = Decimal

ENGINE = Indicateurs(
    acheteur_siret="22400001800016", acheteur_departement="40", annee=2025,
    marches_notifies=Bloc(40, D("20000000")),
    marches_consideration_sociale=Bloc(10, D("8000000")),
    marches_consideration_environnementale=Bloc(30, D("5000000")),
    marches_clause_insertion=Bloc(8, D("7000000")),
    heures_requises=D("10000"), heures_realisees=D("12500"),
    participants=55, entreprises=20, entreprises_locales_part=D("0.85"),
    # The year's hours (12 500) over the hours required by the contracts notified that year (10 000) would mix two
    # populations: the rate reads the realisation block, one population of contracts.
    realisation=Realisation(heures_requises=D("16000"), heures_realisees=D("12000"), heures_attendues=D("10000"),
                            heures_realisees_rythme=D("9000")),
)


def test_share_figures_in_number_and_in_value():
    assert figure_value("part_marches_consideration_sociale_nombre", ENGINE) == D("0.25")
    assert figure_value("part_marches_consideration_sociale_montant", ENGINE) == D("0.4")
    assert figure_value("part_marches_consideration_environnementale_nombre", ENGINE) == D("0.75")
    assert figure_value("part_marches_consideration_environnementale_montant", ENGINE) == D("0.25")
    assert figure_value("taux_realisation_heures", ENGINE) == D("0.75")
    assert figure_value("rythme_realisation_heures", ENGINE) == D("0.9")
    assert figure_value("heures_realisees", ENGINE) == D("12500")
    assert figure_value("entreprises_locales_part", ENGINE) == D("0.85")


def test_figures_are_not_measured_without_data_instead_of_zero():
    empty = replace(ENGINE, marches_notifies=Bloc(0, D("0")))
    assert figure_value("part_marches_consideration_sociale_nombre", empty) is None
    assert figure_value("part_marches_consideration_sociale_nombre", None) is None
    assert figure_value("achats_siae_montant", ENGINE) is None  # a figure the engine does not provide
    assert figure_value("inconnue", ENGINE) is None
    odd = replace(ENGINE, marches_notifies=Bloc("n/a", None), heures_requises=None, realisation=None)
    for key in FIGURES:  # no figure crashes on an odd result
        figure_value(key, odd)


def test_target_of_the_year_explicit_interpolated_or_carried_over():
    cibles = {2024: D("0.22"), 2026: D("0.30")}
    assert cible_de_l_annee(annee=2024, cibles=cibles) == D("0.22")
    assert cible_de_l_annee(annee=2025, cibles=cibles) == D("0.26")
    assert cible_de_l_annee(annee=2028, cibles=cibles) == D("0.30")
    assert cible_de_l_annee(annee=2023, cibles=cibles) is None
    # With a baseline, the years before the first target are interpolated from it.
    assert cible_de_l_annee(annee=2025, cibles={2027: D("0.30")}, annee_reference=2023,
                            valeur_reference=D("0.20")) == D("0.25")
    assert cible_de_l_annee(annee=2025, cibles={}) is None


@pytest.mark.parametrize(("reel", "attendu"), [
    (D("0.30"), StatutEvaluation.ATTEINT),
    (D("0.35"), StatutEvaluation.ATTEINT),
    (D("0.28"), StatutEvaluation.BONNE_VOIE),  # 80 % of the way from 0.20 to 0.30
    (D("0.275"), StatutEvaluation.BONNE_VOIE),  # exactly 75 %
    (D("0.27"), StatutEvaluation.RETARD),
    (D("0.15"), StatutEvaluation.RETARD),
    (None, StatutEvaluation.NON_MESURE),
])
def test_status_rule_when_higher_is_better(reel, attendu):
    assert statut(reel=reel, cible=D("0.30"), reference=D("0.20"))["statut"] == attendu


def test_status_rule_when_lower_is_better_and_without_target_or_baseline():
    assert statut(reel=D("80"), cible=D("90"), reference=D("100"), sens=Sens.BAISSE)["statut"] == StatutEvaluation.ATTEINT
    assert statut(reel=D("92"), cible=D("90"), reference=D("100"), sens=Sens.BAISSE)["statut"] == StatutEvaluation.BONNE_VOIE
    assert statut(reel=D("98"), cible=D("90"), reference=D("100"), sens=Sens.BAISSE)["statut"] == StatutEvaluation.RETARD
    assert statut(reel=D("0.5"), cible=None)["statut"] == StatutEvaluation.SANS_CIBLE
    assert statut(reel=D("0.29"), cible=D("0.30"), reference=None)["statut"] == StatutEvaluation.RETARD
    resultat = statut(reel=D("0.25"), cible=D("0.30"), reference=D("0.20"))
    assert resultat["ecart"] == D("-0.05") and resultat["progression"] == D("0.5")


@pytest.mark.django_db
def test_indicator_bound_to_engine_figure_is_evaluated_from_the_engine_dict():
    indicateur = IndicateurFactory(figure="part_marches_consideration_sociale_nombre", valeur_reference=D("0.20"))
    CibleFactory(indicateur=indicateur, annee=2025, valeur=D("0.30"))
    ligne = evaluer_indicateur(indicateur, acheteur_id=1, annee=2025, figures=ENGINE)
    assert ligne["reel"] == D("0.25") and ligne["cible"] == D("0.30")
    assert ligne["ecart"] == D("-0.05")
    assert ligne["statut"] == StatutEvaluation.RETARD  # 50 % of the way
    better = replace(ENGINE, marches_consideration_sociale=Bloc(12, D("1")))
    assert evaluer_indicateur(indicateur, acheteur_id=1, annee=2025, figures=better)["statut"] == StatutEvaluation.ATTEINT


@pytest.mark.django_db
def test_evaluation_of_a_scheme_per_buyer_with_an_injected_engine():
    spaser = SpaserFactory(en_vigueur=True)
    acheteur = spaser.acheteurs.get()
    calcule = IndicateurFactory(objectif__axe__spaser=spaser, figure="heures_realisees", unite="heures",
                                valeur_reference=D("10000"))
    CibleFactory(indicateur=calcule, annee=2025, valeur=D("12000"))
    manuel = IndicateurFactory(objectif=calcule.objectif, manuel=True, valeur_reference=D("5"))
    CibleFactory(indicateur=manuel, annee=2025, valeur=D("10"))
    ValeurManuelleFactory(indicateur=manuel, acheteur=acheteur, annee=2025, valeur=D("9"), source="Service ESS")
    appels = []

    def moteur(org, annee):
        appels.append((org.pk, annee))
        return replace(ENGINE, annee=annee, heures_realisees=D("11000") if annee == 2024 else D("12500"))

    resultat = evaluation_spaser(spaser=spaser, acheteur=acheteur, annee=2025, moteur=moteur)
    par_indicateur = {ligne["indicateur"].pk: ligne for ligne in resultat["lignes"]}
    assert par_indicateur[calcule.pk]["statut"] == StatutEvaluation.ATTEINT
    assert par_indicateur[calcule.pk]["reel"] == D("12500")
    assert par_indicateur[manuel.pk]["reel"] == D("9")
    assert par_indicateur[manuel.pk]["statut"] == StatutEvaluation.BONNE_VOIE  # 80 % of the way from 5 to 10
    assert par_indicateur[manuel.pk]["source_valeur"] == "Service ESS"
    assert [point["reel"] for point in par_indicateur[calcule.pk]["serie"]] == [D("11000"), D("12500")]
    assert resultat["resume"][StatutEvaluation.ATTEINT] == 1
    assert sorted(set(appels)) == [(acheteur.pk, 2024), (acheteur.pk, 2025)]  # each year computed once
    assert len(appels) == 2
