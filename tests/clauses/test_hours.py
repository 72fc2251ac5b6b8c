from decimal import Decimal

import pytest

from clauses.enums import ModeCalculHeures, TypeClause
from clauses.models import ClauseMarche
from clauses.services import heures_requises_calculer
from marches.services import clause_marche_enregistrer, clause_marche_supprimer
from tests.clauses.factories import FamilleAchatFactory
from tests.marches.factories import MarcheFactory


def test_formula_of_the_domain_example():
    heures = heures_requises_calculer(montant_ht=Decimal("1000000"), part_main_oeuvre=Decimal("0.5"),
                                    taux_insertion=Decimal("0.05"), cout_horaire=Decimal("30"))
    assert heures == Decimal("833")


def test_flat_variant_one_hour_per_2000_euros():
    heures = heures_requises_calculer(montant_ht=Decimal("500000"), mode=ModeCalculHeures.FORFAIT,
                                    euros_par_heure=Decimal("2000"))
    assert heures == Decimal("250")


def test_missing_parameters_give_zero_not_an_error():
    assert heures_requises_calculer(montant_ht=None) == 0
    assert heures_requises_calculer(montant_ht=Decimal("1000"), part_main_oeuvre=Decimal("0.5")) == 0


@pytest.mark.django_db
def test_defaults_come_from_the_family_and_each_can_be_overridden():
    famille = FamilleAchatFactory(part_main_oeuvre=Decimal("0.7"), taux_insertion=Decimal("0.1"),
                                  cout_horaire=Decimal("25"))
    marche = MarcheFactory(famille=famille, montant_ht=Decimal("100000"))
    clause = clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION))
    assert clause.heures_requises == Decimal("280")  # 100 000 × 0.7 × 0.1 ÷ 25
    clause.taux_insertion = Decimal("0.05")
    clause_marche_enregistrer(clause=clause, reason="chantier court")
    assert clause.heures_requises == Decimal("140")
    clause.heures_forcees = Decimal("300")
    clause_marche_enregistrer(clause=clause)
    assert clause.heures_requises == Decimal("300")


@pytest.mark.django_db
def test_considerations_follow_the_clauses():
    marche = MarcheFactory(clause_sociale=False, clause_environnementale=True)
    clause = clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION))
    marche.refresh_from_db()
    # The insertion clause adds the social clause; the environmental clause declared by the buyer stays.
    assert marche.clause_sociale and marche.clause_environnementale and not marche.critere_environnemental
    clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.RESERVE_SIAE))
    marche.refresh_from_db()
    assert marche.marche_reserve and marche.type_reservation == "SIAE"
    clause_marche_supprimer(clause=clause)
    marche.refresh_from_db()
    assert not marche.clause_sociale and marche.marche_reserve


@pytest.mark.django_db
def test_imported_contract_without_clauses_keeps_its_considerations():
    from marches.services import marche_clauses_actualiser

    marche = MarcheFactory(critere_environnemental=True)
    marche_clauses_actualiser(marche=marche)
    marche.refresh_from_db()
    assert marche.critere_environnemental


@pytest.mark.django_db
def test_hours_and_text_follow_a_new_amount_when_the_contracts_app_asks():
    from clauses.models import ClauseModele
    from clauses.services import clause_modele_creer
    from marches.services import marche_clauses_actualiser

    marche = MarcheFactory(famille=FamilleAchatFactory(), montant_ht=Decimal("1000000"))
    modele = clause_modele_creer(modele=ClauseModele(titre="I", type_clause=TypeClause.INSERTION),
                                  texte="{heures_requises}")
    clause = clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION,
                                                    version=modele.version_courante))
    forced = clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION,
                                                    heures_forcees=Decimal("100"), motif_derogation="x"))
    marche.montant_ht = Decimal("1200000")
    marche.save()
    assert marche_clauses_actualiser(marche=marche) == 1
    clause.refresh_from_db()
    forced.refresh_from_db()
    assert clause.heures_requises == Decimal("1000") and clause.texte == "1\u202f000\u00a0h"
    assert forced.heures_requises == Decimal("100")
    assert marche_clauses_actualiser(marche=marche) == 0


@pytest.mark.django_db
def test_extreme_inputs_within_their_columns_still_store_their_hours():
    """The largest amount a contract holds, every euro of labour and insertion, at the lowest hourly cost a
    column accepts: the hours are stored (PostgreSQL checks the column's precision), not an overflow."""
    marche = MarcheFactory(montant_ht=Decimal("9999999999999.99"))
    clause = clause_marche_enregistrer(clause=ClauseMarche(
        marche=marche, type_clause=TypeClause.INSERTION, part_main_oeuvre=Decimal("1"), taux_insertion=Decimal("1"),
        cout_horaire=Decimal("0.01"), motif_derogation="test des bornes"))
    clause.refresh_from_db()
    assert clause.heures_requises == Decimal("999999999999999")
