from decimal import Decimal

import pytest

from clauses import register
from marches.services import registre_clause_appliquer
from tests.marches.factories import MarcheFactory


def test_parse_rates_as_decimals_with_comma_or_point():
    values, errors = register.parse({"clause_insertion_part_main_oeuvre": "0,5", "clause_insertion_taux": "0.05",
                                     "clause_insertion_cout_horaire": "30", "heures_requises": ""})
    assert errors == []
    assert values["clause_insertion_taux"] == Decimal("0.05")


def test_parse_names_the_column_and_the_reason():
    values, errors = register.parse({"clause_insertion_taux": "5", "clause_insertion_cout_horaire": "trente"})
    assert values is None
    assert ("clause_insertion_cout_horaire", "« trente » n'est pas un nombre") in errors
    assert errors[0][0] == "clause_insertion_taux" and "0,05" in errors[0][1]


def test_empty_columns_mean_no_clause():
    assert register.parse({c: "" for c in register.COLUMNS}) == (None, [])


@pytest.mark.django_db
def test_apply_then_export_round_trip():
    marche = MarcheFactory(montant_ht=Decimal("1000000"))
    values, _ = register.parse({"clause_insertion_part_main_oeuvre": "0.5", "clause_insertion_taux": "0.05",
                                "clause_insertion_cout_horaire": "30"})
    registre_clause_appliquer(marche=marche, values=values)
    exported = register.export_values([marche.pk])[marche.pk]
    assert exported["heures_requises"] == Decimal("833")
    assert exported["clause_insertion_taux"] == Decimal("0.05")
    marche.refresh_from_db()
    assert marche.clause_sociale


@pytest.mark.django_db
def test_hours_without_parameters_are_an_override():
    marche = MarcheFactory(montant_ht=Decimal("1000000"))
    values, _ = register.parse({"heures_requises": "1200"})
    clause = registre_clause_appliquer(marche=marche, values=values)
    assert clause.heures_requises == Decimal("1200")
    assert clause.motif_derogation


@pytest.mark.django_db
def test_hours_equal_to_the_family_formula_are_not_an_override():
    from tests.clauses.factories import FamilleAchatFactory

    marche = MarcheFactory(montant_ht=Decimal("1000000"), famille=FamilleAchatFactory())
    clause = registre_clause_appliquer(marche=marche, values={"heures_requises": Decimal("833")})
    assert clause.heures_forcees is None and clause.heures_requises == Decimal("833")
    clause = registre_clause_appliquer(marche=marche, values={"heures_requises": Decimal("900")})
    assert clause.heures_forcees == Decimal("900") and clause.motif_derogation


@pytest.mark.django_db
def test_other_considerations_of_the_row_are_kept():
    import datetime

    marche = MarcheFactory(montant_ht=Decimal("1000000"), clause_environnementale=True, critere_environnemental=True,
                           critere_social=True, marche_reserve=True, type_reservation="SIAE",
                           date_lancement=datetime.date(2026, 9, 1))
    registre_clause_appliquer(marche=marche, values={"heures_requises": Decimal("500")})
    marche.refresh_from_db()
    assert marche.clause_sociale and marche.clause_environnementale and marche.critere_environnemental
    assert marche.critere_social and marche.marche_reserve and marche.type_reservation == "SIAE"
    assert marche.statut_conformite == "conforme"
    assert list(marche.clauses.values_list("type_clause", flat=True)) == ["insertion"]


def test_parse_reads_numbers_as_french_spreadsheets_write_them():
    """Non-breaking and narrow spaces (a spreadsheet's thousands separator) as in the register's amount column;
    infinities are not numbers."""
    values, errors = register.parse({"heures_requises": "1\u00a0234,5"})
    assert (values, errors) == ({"heures_requises": Decimal("1234.5")}, [])
    assert register.parse({"heures_requises": "1\u202f234,5"})[0] == {"heures_requises": Decimal("1234.5")}
    assert register.parse({"clause_insertion_cout_horaire": "Infinity"}) == (
        None, [("clause_insertion_cout_horaire", "« Infinity » n'est pas un nombre")])
