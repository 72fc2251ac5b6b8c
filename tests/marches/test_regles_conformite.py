"""The compliance rules of marches/compliance.py, one boundary at a time (issue 20: each test fails on a mutant
of the rule it names). Unsaved Marche objects: the rules read fields only."""

import datetime
from decimal import Decimal

import pytest

from marches import compliance as c
from marches.enums import CCAG, Categorie, Nature, StatutConformite
from marches.models import Marche

S = StatutConformite
VEILLE = datetime.date(2026, 8, 20)
JOUR_J = datetime.date(2026, 8, 21)
APRES = datetime.date(2026, 10, 1)
TRAVAUX_2026 = Decimal("5404000")
FCS_2026 = Decimal("216000")
SEUILS = [
    {"type_seuil": "travaux", "date_debut": datetime.date(2024, 1, 1), "date_fin": datetime.date(2025, 12, 31),
     "montant_ht": Decimal("5538000")},
    {"type_seuil": "travaux", "date_debut": datetime.date(2026, 1, 1), "date_fin": datetime.date(2027, 12, 31),
     "montant_ht": TRAVAUX_2026},
    {"type_seuil": "fcs_collectivites", "date_debut": datetime.date(2024, 1, 1),
     "date_fin": datetime.date(2025, 12, 31), "montant_ht": Decimal("221000")},
    {"type_seuil": "fcs_collectivites", "date_debut": datetime.date(2026, 1, 1),
     "date_fin": datetime.date(2027, 12, 31), "montant_ht": FCS_2026},
]


def marche(**kw) -> Marche:
    """A contract launched after the obligations, with both environmental items, below every threshold."""
    base = dict(nature=Nature.MARCHE, categorie=Categorie.MARCHE, ccag="", code_cpv="79000000-4",
                date_lancement=APRES, date_notification=None, valeur_estimee_ht=None, montant_ht=Decimal("100000"),
                clause_environnementale=True, critere_environnemental=True, clause_sociale=False,
                derogation_sociale=False, derogation_justification="")
    base.update(kw)
    return Marche(**base)


# --- Which threshold: concessions and works against the works threshold ----------------------------------

@pytest.mark.parametrize("kw", [
    {"categorie": Categorie.CONCESSION, "nature": Nature.CONCESSION_SERVICE},
    {"categorie": Categorie.CONCESSION, "nature": Nature.DSP},
    {"nature": Nature.CONCESSION_TRAVAUX},
    {"ccag": CCAG.TRAVAUX},
    {"code_cpv": "45210000-2"},
])
def test_concessions_and_works_are_checked_against_the_works_threshold(kw):
    # 1 M€: far above the supplies/services threshold (216 k€), below the works one (5.404 M€).
    assert c.type_seuil_pour(marche(**kw)) == "travaux"
    assert c.conformite_evaluer(marche(montant_ht=Decimal("1000000"), **kw), SEUILS) == (S.CONFORME, [])
    statut, manquements = c.conformite_evaluer(marche(montant_ht=TRAVAUX_2026, **kw), SEUILS)
    assert (statut, manquements) == (S.NON_CONFORME, [c.MANQUE_SOCIALE])


def test_supplies_and_services_use_the_local_authorities_threshold_unless_set_otherwise(settings):
    assert c.type_seuil_pour(marche(code_cpv="", ccag=CCAG.FCS)) == "fcs_collectivites"
    assert c.type_seuil_pour(marche(code_cpv=None)) == "fcs_collectivites"
    statut, manquements = c.conformite_evaluer(marche(montant_ht=FCS_2026), SEUILS)
    assert (statut, manquements) == (S.NON_CONFORME, [c.MANQUE_SOCIALE])
    settings.MARCHES_TYPE_SEUIL_FCS = "fcs_etat"
    assert c.type_seuil_pour(marche()) == "fcs_etat"
    # No "fcs_etat" threshold recorded: said so, not silently compliant.
    assert c.conformite_evaluer(marche(), SEUILS) == (S.NON_CONFORME, [c.MANQUE_SEUIL])


def test_a_cpv_code_containing_45_elsewhere_is_not_works():
    assert c.type_seuil_pour(marche(code_cpv="79450000-8")) == "fcs_collectivites"


# --- Value: a social clause makes an unknown value harmless ----------------------------------------------

def test_a_contract_with_a_social_clause_but_no_value_is_compliant():
    assert c.conformite_evaluer(marche(montant_ht=None, clause_sociale=True), SEUILS) == (S.CONFORME, [])


def test_a_contract_without_value_nor_social_clause_is_reported():
    assert c.conformite_evaluer(marche(montant_ht=None), SEUILS) == (S.NON_CONFORME, [c.MANQUE_VALEUR])


def test_an_estimated_value_of_zero_is_a_value_and_wins_over_the_amount():
    assert c.valeur_reference(marche(valeur_estimee_ht=Decimal("0"), montant_ht=Decimal("900000"))) == 0
    assert c.conformite_evaluer(marche(valeur_estimee_ht=Decimal("0"), montant_ht=Decimal("900000")),
                                SEUILS) == (S.CONFORME, [])
    assert c.valeur_reference(marche(valeur_estimee_ht=None, montant_ht=Decimal("900000"))) == Decimal("900000")
    assert c.valeur_reference(marche(valeur_estimee_ht=None, montant_ht=None)) is None
    assert isinstance(c.valeur_reference(marche(montant_ht=900000)), Decimal)


# --- Threshold boundaries and waivers ---------------------------------------------------------------------

def test_just_below_the_threshold_needs_no_social_condition():
    assert c.conformite_evaluer(marche(montant_ht=FCS_2026 - Decimal("0.01")), SEUILS) == (S.CONFORME, [])
    assert c.conformite_evaluer(marche(montant_ht=FCS_2026, clause_sociale=True), SEUILS) == (S.CONFORME, [])


def test_a_waiver_needs_a_written_justification():
    sans = marche(montant_ht=FCS_2026, derogation_sociale=True, derogation_justification="   ")
    assert c.conformite_evaluer(sans, SEUILS) == (S.NON_CONFORME, [c.MANQUE_JUSTIFICATION])
    vide = marche(montant_ht=FCS_2026, derogation_sociale=True, derogation_justification=None)
    assert c.conformite_evaluer(vide, SEUILS) == (S.NON_CONFORME, [c.MANQUE_JUSTIFICATION])
    avec = marche(montant_ht=FCS_2026, derogation_sociale=True, derogation_justification="Solution disponible")
    assert c.conformite_evaluer(avec, SEUILS) == (S.CONFORME, [])


def test_every_missing_item_is_listed_in_order():
    statut, manquements = c.conformite_evaluer(
        marche(montant_ht=FCS_2026, clause_environnementale=False, critere_environnemental=False), SEUILS)
    assert statut == S.NON_CONFORME
    assert manquements == [c.MANQUE_ENV_CONDITION, c.MANQUE_ENV_CRITERE, c.MANQUE_SOCIALE]


# --- Dates: 21 August 2026 and the threshold in force ------------------------------------------------------

def test_21_august_2026_is_the_first_day_of_the_obligations():
    assert c.DATE_OBLIGATIONS == JOUR_J
    assert c.conformite_evaluer(marche(date_lancement=JOUR_J), SEUILS) == (S.CONFORME, [])
    statut, manquements = c.conformite_evaluer(marche(date_lancement=VEILLE, clause_environnementale=False), SEUILS)
    assert (statut, manquements) == (S.NON_SOUMIS, [c.MANQUE_ENV_CONDITION])


def test_no_threshold_recorded_is_reported_only_once_the_obligations_apply():
    assert c.conformite_evaluer(marche(date_lancement=JOUR_J), []) == (S.NON_CONFORME, [c.MANQUE_SEUIL])
    assert c.conformite_evaluer(marche(date_lancement=VEILLE), []) == (S.NON_SOUMIS, [])
    assert c.conformite_evaluer(marche(date_lancement=JOUR_J, clause_sociale=True), []) == (S.CONFORME, [])


def test_soumis_starts_on_21_august_2026():
    assert c.soumis(marche(date_lancement=JOUR_J)) is True
    assert c.soumis(marche(date_lancement=VEILLE)) is False
    assert c.soumis(marche(date_lancement=None, date_notification=JOUR_J)) is True
    assert c.soumis(marche(date_lancement=None, date_notification=None)) is False
    assert c.soumis(marche(date_lancement=JOUR_J, nature=Nature.DEFENSE_SECURITE)) is False


def test_launch_date_wins_over_notification_date():
    assert c.date_reference(marche(date_lancement=VEILLE, date_notification=APRES)) == VEILLE
    assert c.date_reference(marche(date_lancement=None, date_notification=APRES)) == APRES
    launched_before = marche(date_lancement=VEILLE, date_notification=APRES, clause_environnementale=False)
    assert c.conformite_evaluer(launched_before, SEUILS)[0] == S.NON_SOUMIS
    notified_after = marche(date_lancement=None, date_notification=APRES, clause_environnementale=False)
    assert c.conformite_evaluer(notified_after, SEUILS)[0] == S.NON_CONFORME


def test_unknown_dates_and_defence_contracts():
    assert c.conformite_evaluer(marche(date_lancement=None), SEUILS) == (S.NON_SOUMIS, [c.MANQUE_DATE])
    defence = marche(nature=Nature.DEFENSE_SECURITE, clause_environnementale=False, montant_ht=TRAVAUX_2026)
    assert c.conformite_evaluer(defence, SEUILS) == (S.NON_SOUMIS, [])


def test_threshold_in_force_on_the_date_with_inclusive_bounds():
    assert c.seuil_en_vigueur(SEUILS, "travaux", datetime.date(2025, 12, 31)) == Decimal("5538000")
    assert c.seuil_en_vigueur(SEUILS, "travaux", datetime.date(2026, 1, 1)) == TRAVAUX_2026
    assert c.seuil_en_vigueur(SEUILS, "travaux", datetime.date(2024, 1, 1)) == Decimal("5538000")
    assert c.seuil_en_vigueur(SEUILS, "travaux", datetime.date(2023, 12, 31)) is None
    assert c.seuil_en_vigueur(SEUILS, "fcs_etat", APRES) is None
    # After the last period: the latest one started before the date.
    assert c.seuil_en_vigueur(SEUILS, "travaux", datetime.date(2028, 3, 1)) == TRAVAUX_2026
    assert isinstance(c.seuil_en_vigueur([dict(SEUILS[1], montant_ht=5404000)], "travaux", APRES), Decimal)


def test_threshold_objects_are_read_like_dicts():
    class Seuil:
        def __init__(self, **kw):
            self.__dict__.update(kw)

    objets = [Seuil(**s) for s in SEUILS]
    assert c.seuil_en_vigueur(objets, "fcs_collectivites", APRES) == FCS_2026
    assert c.conformite_evaluer(marche(montant_ht=FCS_2026), objets) == (S.NON_CONFORME, [c.MANQUE_SOCIALE])


def test_a_period_in_force_wins_over_a_later_started_one_already_ended_up_to_its_last_day():
    longue = {"type_seuil": "travaux", "date_debut": datetime.date(2024, 1, 1), "date_fin": datetime.date(2025, 12, 31),
              "montant_ht": Decimal("1000")}
    courte = {"type_seuil": "travaux", "date_debut": datetime.date(2024, 6, 1), "date_fin": datetime.date(2024, 12, 31),
              "montant_ht": Decimal("2000")}
    assert c.seuil_en_vigueur([longue, courte], "travaux", datetime.date(2025, 6, 1)) == Decimal("1000")
    assert c.seuil_en_vigueur([longue, courte], "travaux", datetime.date(2025, 12, 31)) == Decimal("1000")
    assert c.seuil_en_vigueur([longue, courte], "travaux", datetime.date(2026, 1, 1)) == Decimal("2000")


# --- SPASER rule: launched without an examination decided by then (examen_manquant, examens_depuis) ---------

DEPUIS = datetime.date(2026, 3, 1)
LANCE = datetime.date(2026, 6, 10)


def manquant(date_lancement=LANCE, date_decision=None, today=datetime.date(2026, 12, 31), depuis=DEPUIS):
    return c.examen_manquant(date_lancement=date_lancement, date_decision=date_decision, today=today, depuis=depuis)


def test_a_launch_is_flagged_unless_decided_on_or_before_its_day():
    assert manquant(date_decision=None)
    assert manquant(date_decision=LANCE + datetime.timedelta(days=1))
    assert not manquant(date_decision=LANCE)
    assert not manquant(date_decision=LANCE - datetime.timedelta(days=30))


def test_only_launches_from_the_start_date_up_to_today_are_flagged():
    assert not manquant(date_lancement=None)
    assert manquant(date_lancement=DEPUIS)
    assert not manquant(date_lancement=DEPUIS - datetime.timedelta(days=1))
    assert manquant(today=LANCE)
    assert not manquant(today=LANCE - datetime.timedelta(days=1))


def test_the_start_date_is_the_setting_unless_given(settings):
    settings.SPASER = {k: v for k, v in settings.SPASER.items() if k != "EXAMENS_DEPUIS"}
    assert c.examens_depuis() == c.EXAMENS_DEPUIS_DEFAUT == datetime.date(2026, 1, 1)
    settings.SPASER = {**settings.SPASER, "EXAMENS_DEPUIS": ""}
    assert c.examens_depuis() == c.EXAMENS_DEPUIS_DEFAUT
    settings.SPASER = {**settings.SPASER, "EXAMENS_DEPUIS": "2026-07-01"}
    assert c.examens_depuis() == datetime.date(2026, 7, 1)
    # Without `depuis`, the setting: a June launch is before 1 July, not flagged; given, `depuis` wins.
    assert not c.examen_manquant(date_lancement=LANCE, date_decision=None, today=datetime.date(2026, 12, 31))
    assert manquant(depuis=datetime.date(2026, 5, 1))
    settings.SPASER = {**settings.SPASER, "EXAMENS_DEPUIS": datetime.date(2026, 5, 1)}
    assert c.examens_depuis() == datetime.date(2026, 5, 1)
    assert not manquant(depuis=datetime.date(2026, 7, 1))
