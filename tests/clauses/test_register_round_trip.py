"""The contract register exported then imported back (marches' `export_marches` / `import_marches` commands)
keeps the insertion clauses: parameters, overrides, computed hours, and the contract's considerations."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from clauses import register
from clauses.enums import ModeCalculHeures, TypeClause
from clauses.models import ClauseMarche
from marches.models import Marche
from marches.services import clause_marche_enregistrer
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import OrganisationFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


def etat():
    """identifiant -> (hours, forced hours, part, taux, coût, considerations)."""
    result = {}
    for marche in Marche.objects.order_by("identifiant"):
        clause = marche.clauses.filter(type_clause=TypeClause.INSERTION, lot__isnull=True).first()
        result[marche.identifiant] = (
            clause.heures_requises if clause else None,
            clause.heures_forcees if clause else None,
            (clause.part_main_oeuvre, clause.taux_insertion, clause.cout_horaire) if clause else None,
            (marche.clause_sociale, marche.critere_social, marche.clause_environnementale,
             marche.critere_environnemental),
        )
    return result


@pytest.fixture
def registre():
    famille = FamilleAchatFactory(nom="Bâtiment — gros œuvre", prefixes_cpv=["45"], part_main_oeuvre=Decimal("0.5"),
                                  taux_insertion=Decimal("0.05"), cout_horaire=Decimal("30"))
    acheteur = OrganisationFactory(instance=True)
    defaults = MarcheFactory(acheteur=acheteur, identifiant="R-DEFAUT", famille=famille,
                             montant_ht=Decimal("1000000"))
    clause_marche_enregistrer(clause=ClauseMarche(marche=defaults, type_clause=TypeClause.INSERTION))
    clause_marche_enregistrer(clause=ClauseMarche(marche=defaults, type_clause=TypeClause.CONDITION_ENVIRONNEMENTALE))
    params = MarcheFactory(acheteur=acheteur, identifiant="R-PARAMS", famille=famille, montant_ht=Decimal("600000"))
    clause_marche_enregistrer(clause=ClauseMarche(marche=params, type_clause=TypeClause.INSERTION,
                                           part_main_oeuvre=Decimal("0.7"), taux_insertion=Decimal("0.1"),
                                           cout_horaire=Decimal("28"), motif_derogation="Peinture intérieure"))
    forced = MarcheFactory(acheteur=acheteur, identifiant="R-FORCE", famille=famille, montant_ht=Decimal("400000"))
    clause_marche_enregistrer(clause=ClauseMarche(marche=forced, type_clause=TypeClause.INSERTION,
                                           heures_forcees=Decimal("1200"), motif_derogation="Globalisation"))
    clause_marche_enregistrer(clause=ClauseMarche(marche=forced, type_clause=TypeClause.CRITERE_SOCIAL))
    flat = MarcheFactory(acheteur=acheteur, identifiant="R-FORFAIT", famille=famille, montant_ht=Decimal("500000"))
    clause_marche_enregistrer(clause=ClauseMarche(marche=flat, type_clause=TypeClause.INSERTION,
                                           mode_calcul=ModeCalculHeures.FORFAIT, euros_par_heure=Decimal("2000")))
    MarcheFactory(acheteur=acheteur, identifiant="R-SANS", famille=famille, clause_environnementale=True)
    return etat()


def test_export_then_import_into_an_empty_register_gives_the_same_hours(registre, tmp_path):
    assert registre["R-DEFAUT"][0] == Decimal("833") and registre["R-PARAMS"][0] == Decimal("1500")
    first = tmp_path / "registre.csv"
    call_command("export_marches", output=str(first))
    text = first.read_text(encoding="utf-8")
    assert all(column in text.splitlines()[0] for column in register.COLUMNS)

    ClauseMarche.objects.all().delete()
    Marche.objects.all().delete()
    call_command("import_marches", str(first))

    after = etat()
    for identifiant, before in registre.items():
        assert after[identifiant][0] == before[0], identifiant  # heures_requises
        assert after[identifiant][3] == before[3], identifiant  # considerations
    assert after["R-DEFAUT"][1] is None  # defaults stay defaults: not turned into an override
    assert after["R-PARAMS"][2] == (Decimal("0.7"), Decimal("0.1"), Decimal("28"))
    assert after["R-FORCE"][1] == Decimal("1200")
    assert not Marche.objects.get(identifiant="R-SANS").clauses.exists()

    second = tmp_path / "registre-2.csv"
    call_command("export_marches", output=str(second))
    assert second.read_text(encoding="utf-8") == text


def test_import_back_onto_the_same_contracts_changes_no_hours(registre, tmp_path):
    path = tmp_path / "registre.csv"
    call_command("export_marches", output=str(path))
    call_command("import_marches", str(path))
    assert etat() == registre
    assert ClauseMarche.objects.filter(type_clause=TypeClause.INSERTION).count() == 4
