"""The required-hours formula (clauses.services.heures_requises_calculer) and how a clause picks its value
(clause_heures_actualiser): forced hours, even 0, win over the formula; the clause's parameters over its
family's; the lot's amount over the contract's (issue 20: each test fails on a mutant of the rule)."""

from decimal import Decimal

import pytest

from clauses.enums import ModeCalculHeures, TypeClause
from clauses.models import ClauseMarche, FamilleAchat
from clauses.services import clause_heures_actualiser, heures_requises_calculer
from marches.models import Lot, Marche

D = Decimal


def calcul(montant="1000000", part="0.5", taux="0.05", cout="30", **kw):
    return heures_requises_calculer(montant_ht=None if montant is None else D(montant),
                                  part_main_oeuvre=None if part is None else D(part),
                                  taux_insertion=None if taux is None else D(taux),
                                  cout_horaire=None if cout is None else D(cout), **kw)


def test_the_documented_example_833_hours():
    heures = calcul()
    assert heures == D("833") and isinstance(heures, Decimal) and heures.as_tuple().exponent == 0


def test_each_factor_counts_in_the_formula():
    assert calcul(montant="2000000") == D("1667")
    assert calcul(part="0.7") == D("1167")
    assert calcul(taux="0.10") == D("1667")
    assert calcul(cout="25") == D("1000")


def test_rounded_half_up_to_the_hour():
    # 1,000 € × 1 × 1 ÷ 400 €/h = 2.5 h -> 3 (not 2, the banker's rounding)
    assert calcul(montant="1000", part="1", taux="1", cout="400") == D("3")
    assert calcul(montant="1000", part="1", taux="1", cout="401") == D("2")
    assert calcul(montant="1000", part="1", taux="1", cout="3000") == D("0")


@pytest.mark.parametrize("manque", [{"montant": None}, {"montant": "0"}, {"part": None}, {"taux": None},
                                    {"cout": None}, {"part": "0"}, {"taux": "0"}, {"cout": "0"}])
def test_a_missing_or_zero_parameter_gives_no_hours(manque):
    heures = calcul(**manque)
    assert heures == D("0") and isinstance(heures, Decimal)


def test_flat_rate_one_hour_per_amount_invoiced():
    assert calcul(mode=ModeCalculHeures.FORFAIT, euros_par_heure=D("2000")) == D("500")
    assert calcul(montant="5000", mode=ModeCalculHeures.FORFAIT, euros_par_heure=D("2000")) == D("3")  # 2.5
    # The flat rate ignores the rate parameters, and needs its own.
    assert calcul(part=None, taux=None, cout=None, mode=ModeCalculHeures.FORFAIT, euros_par_heure=D("2000")) == D("500")
    assert calcul(mode=ModeCalculHeures.FORFAIT, euros_par_heure=None) == D("0")
    assert calcul(mode=ModeCalculHeures.FORFAIT, euros_par_heure=D("0")) == D("0")
    assert calcul(montant=None, mode=ModeCalculHeures.FORFAIT, euros_par_heure=D("2000")) == D("0")
    # The rate mode (the default) ignores the flat rate.
    assert calcul(euros_par_heure=D("2000")) == D("833")
    assert calcul(mode=ModeCalculHeures.TAUX, euros_par_heure=D("2000")) == D("833")


def test_amounts_given_as_int_are_read():
    assert heures_requises_calculer(montant_ht=1000000, part_main_oeuvre=D("0.5"), taux_insertion=D("0.05"),
                                  cout_horaire=30) == D("833")


# --- clause_heures_actualiser: which value a clause keeps ------------------------------------------------------

def clause(**kw) -> ClauseMarche:
    marche = kw.pop("marche", None) or Marche(montant_ht=D("1000000"))
    base = dict(type_clause=TypeClause.INSERTION, part_main_oeuvre=D("0.5"), taux_insertion=D("0.05"),
                cout_horaire=D("30"), heures_forcees=None)
    base.update(kw)
    return ClauseMarche(marche=marche, **base)


def test_forced_hours_of_zero_are_kept_not_replaced_by_the_formula():
    c = clause(heures_forcees=D("0"))
    assert clause_heures_actualiser(c) == D("0")
    assert c.heures_requises == D("0")


def test_forced_hours_win_over_the_formula():
    c = clause(heures_forcees=D("120"))
    assert clause_heures_actualiser(c) == D("120") and c.heures_requises == D("120")


def test_without_forced_hours_the_formula_applies_to_the_contract_amount():
    c = clause()
    assert clause_heures_actualiser(c) == D("833") and c.heures_requises == D("833")


def test_a_reference_amount_of_the_clause_wins_over_the_contract_amount():
    assert clause_heures_actualiser(clause(montant_base_ht=D("2000000"))) == D("1667")


def test_clauses_other_than_insertion_require_no_hours_even_forced():
    for type_clause in set(TypeClause) - {TypeClause.INSERTION}:
        c = clause(type_clause=type_clause, heures_forcees=D("50"))
        assert clause_heures_actualiser(c) == D("0") and c.heures_requises == D("0")


def test_flat_rate_clause():
    c = clause(mode_calcul=ModeCalculHeures.FORFAIT, euros_par_heure=D("2000"))
    assert clause_heures_actualiser(c) == D("500")


@pytest.mark.django_db
def test_family_defaults_fill_the_parameters_the_clause_leaves_empty_and_a_lot_amount_wins():
    from tests.marches.factories import MarcheFactory

    famille = FamilleAchat.objects.create(nom="Peinture intérieure", prefixes_cpv=["4544"],
                                          part_main_oeuvre=D("0.7"), taux_insertion=D("0.10"),
                                          cout_horaire=D("25"))
    marche = MarcheFactory(famille=famille, montant_ht=D("1000000"))
    # Nothing on the clause: 1,000,000 × 0.7 × 0.10 ÷ 25 = 2,800 h.
    vide = clause(marche=marche, part_main_oeuvre=None, taux_insertion=None, cout_horaire=None)
    assert clause_heures_actualiser(vide) == D("2800")
    # Each clause value wins over its family's.
    assert clause_heures_actualiser(clause(marche=marche, taux_insertion=None, cout_horaire=None)) == D("2000")
    assert clause_heures_actualiser(clause(marche=marche, part_main_oeuvre=None, cout_horaire=None)) == D("1400")
    assert clause_heures_actualiser(clause(marche=marche, part_main_oeuvre=None, taux_insertion=None)) == D("2333")
    # A clause of a lot with an amount counts the lot's amount; a lot without amount, the contract's.
    lot = Lot.objects.create(marche=marche, numero=1, intitule="Peinture", montant_ht=D("250000"))
    assert clause_heures_actualiser(clause(marche=marche, lot=lot, part_main_oeuvre=None, taux_insertion=None,
                                           cout_horaire=None)) == D("700")
    sans = Lot.objects.create(marche=marche, numero=2, intitule="Sols", montant_ht=None)
    assert clause_heures_actualiser(clause(marche=marche, lot=sans, part_main_oeuvre=None, taux_insertion=None,
                                           cout_horaire=None)) == D("2800")


def test_a_clause_not_yet_attached_to_a_contract_counts_its_own_amount_or_nothing():
    seule = ClauseMarche(type_clause=TypeClause.INSERTION, part_main_oeuvre=D("0.5"), taux_insertion=D("0.05"),
                         cout_horaire=D("30"), montant_base_ht=D("1000000"))
    assert clause_heures_actualiser(seule) == D("833")
    sans_montant = ClauseMarche(type_clause=TypeClause.INSERTION, part_main_oeuvre=D("0.5"),
                                taux_insertion=D("0.05"), cout_horaire=D("30"))
    assert clause_heures_actualiser(sans_montant) == D("0")
