import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from marches import compliance as c
from marches.enums import StatutConformite
from marches.models import SeuilEuropeen
from tests.marches.factories import MarcheFactory

S = StatutConformite
SEUILS = [
    {"type_seuil": "travaux", "date_debut": datetime.date(2024, 1, 1), "date_fin": datetime.date(2025, 12, 31),
     "montant_ht": Decimal("5538000")},
    {"type_seuil": "travaux", "date_debut": datetime.date(2026, 1, 1), "date_fin": datetime.date(2027, 12, 31),
     "montant_ht": Decimal("5404000")},
    {"type_seuil": "fcs_collectivites", "date_debut": datetime.date(2026, 1, 1),
     "date_fin": datetime.date(2027, 12, 31), "montant_ht": Decimal("216000")},
]
APRES = datetime.date(2026, 9, 1)


def m(**kw):
    base = dict(nature="Marché", categorie="marche", ccag="", code_cpv="79000000", date_lancement=APRES,
                date_notification=None, valeur_estimee_ht=None, montant_ht=Decimal("100000"),
                clause_environnementale=True, critere_environnemental=True, clause_sociale=False,
                derogation_sociale=False, derogation_justification="")
    base.update(kw)
    return SimpleNamespace(**base)


def test_compliant_below_threshold_with_both_environmental_items():
    assert c.conformite_evaluer(m(), SEUILS) == (S.CONFORME, [])


@pytest.mark.parametrize("field,missing", [("clause_environnementale", c.MANQUE_ENV_CONDITION),
                                           ("critere_environnemental", c.MANQUE_ENV_CRITERE)])
def test_each_environmental_item_is_required(field, missing):
    statut, manquements = c.conformite_evaluer(m(**{field: False}), SEUILS)
    assert statut == S.NON_CONFORME and manquements == [missing]


def test_boundary_date_launch_on_21_august_is_subject_and_the_day_before_is_not():
    statut, manquements = c.conformite_evaluer(m(date_lancement=datetime.date(2026, 8, 21),
                                                 clause_environnementale=False), SEUILS)
    assert statut == S.NON_CONFORME
    statut, manquements = c.conformite_evaluer(m(date_lancement=datetime.date(2026, 8, 20),
                                                 clause_environnementale=False), SEUILS)
    assert statut == S.NON_SOUMIS and manquements == [c.MANQUE_ENV_CONDITION]  # says what it would lack


def test_exactly_at_threshold_requires_social_condition_and_just_below_does_not():
    statut, manquements = c.conformite_evaluer(m(montant_ht=Decimal("216000")), SEUILS)
    assert statut == S.NON_CONFORME and manquements == [c.MANQUE_SOCIALE]
    assert c.conformite_evaluer(m(montant_ht=Decimal("215999.99")), SEUILS) == (S.CONFORME, [])
    assert c.conformite_evaluer(m(montant_ht=Decimal("216000"), clause_sociale=True), SEUILS) == (S.CONFORME, [])


def test_estimated_value_wins_over_amount():
    statut, _ = c.conformite_evaluer(m(valeur_estimee_ht=Decimal("300000"), montant_ht=Decimal("1000")), SEUILS)
    assert statut == S.NON_CONFORME
    statut, _ = c.conformite_evaluer(m(valeur_estimee_ht=Decimal("1000"), montant_ht=Decimal("300000")), SEUILS)
    assert statut == S.CONFORME


def test_works_use_the_works_threshold_by_ccag_or_cpv():
    assert c.conformite_evaluer(m(code_cpv="45233140", montant_ht=Decimal("5403999")), SEUILS)[0] == S.CONFORME
    assert c.conformite_evaluer(m(code_cpv="45233140", montant_ht=Decimal("5404000")), SEUILS)[0] == S.NON_CONFORME
    assert c.conformite_evaluer(m(ccag="Travaux", montant_ht=Decimal("300000")), SEUILS)[0] == S.CONFORME


def test_threshold_in_force_at_launch_date():
    # 5,450,000 € of works: above the 2026 threshold, below the 2024–25 one.
    launched_2025 = m(code_cpv="45000000", montant_ht=Decimal("5450000"), date_lancement=datetime.date(2025, 6, 1))
    assert c.conformite_evaluer(launched_2025, SEUILS) == (S.NON_SOUMIS, [])
    launched_2026 = m(code_cpv="45000000", montant_ht=Decimal("5450000"))
    assert c.conformite_evaluer(launched_2026, SEUILS) == (S.NON_CONFORME, [c.MANQUE_SOCIALE])


def test_waiver_needs_a_written_justification():
    over = dict(montant_ht=Decimal("500000"), derogation_sociale=True)
    assert c.conformite_evaluer(m(**over, derogation_justification="  "), SEUILS) == (
        S.NON_CONFORME, [c.MANQUE_JUSTIFICATION])
    assert c.conformite_evaluer(m(**over, derogation_justification="Besoin couvert par une solution immédiatement "
                                                                  "disponible"), SEUILS) == (S.CONFORME, [])


def test_defence_and_security_excluded():
    assert c.conformite_evaluer(m(nature="Marché de défense ou de sécurité", clause_environnementale=False),
                                SEUILS) == (S.NON_SOUMIS, [])


def test_notification_date_used_when_launch_date_missing_and_both_missing_is_reported():
    statut, _ = c.conformite_evaluer(m(date_lancement=None, date_notification=APRES, critere_environnemental=False),
                                     SEUILS)
    assert statut == S.NON_CONFORME
    assert c.conformite_evaluer(m(date_lancement=None, date_notification=None), SEUILS) == (
        S.NON_SOUMIS, [c.MANQUE_DATE])


def test_unknown_value_is_reported():
    statut, manquements = c.conformite_evaluer(m(montant_ht=None), SEUILS)
    assert statut == S.NON_CONFORME and manquements == [c.MANQUE_VALEUR]


@pytest.mark.django_db
def test_seeded_thresholds_of_the_data_migration():
    rows = {(s.type_seuil, s.date_debut.year): s.montant_ht for s in SeuilEuropeen.objects.all()}
    assert rows[("travaux", 2026)] == Decimal("5404000")
    assert rows[("fcs_collectivites", 2026)] == Decimal("216000")
    assert rows[("fcs_etat", 2024)] == Decimal("143000")
    assert rows[("entites_adjudicatrices", 2024)] == Decimal("443000")
    assert len(rows) == 8


@pytest.mark.django_db
def test_compliance_is_stored_by_the_contract_service_from_the_declared_considerations():
    from marches.services import marche_enregistrer

    marche = MarcheFactory(date_lancement=APRES, montant_ht=Decimal("100000"), code_cpv="79000000")
    assert marche.statut_conformite == S.NON_CONFORME
    marche.clause_environnementale_declaree = marche.critere_environnemental_declare = True
    marche_enregistrer(marche=marche)
    marche.refresh_from_db()
    assert marche.statut_conformite == S.CONFORME and marche.manquements == []
    assert marche.clause_environnementale and marche.critere_environnemental
