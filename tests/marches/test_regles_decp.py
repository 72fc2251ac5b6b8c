"""DECP import rules read through the public parser (marches.decp.parse_bytes): what is stored, what is
reported as an anomaly, what is refused (issue 20: each test fails on a mutant of the rule it names)."""

import json
from decimal import Decimal

import pytest

from marches.decp import parse_bytes
from marches.enums import Categorie, Nature
from tests.marches.decp_samples import ACHETEUR, CONCESSION, document, marche_v2

SIRET_CLE_FAUSSE = "22400001800017"  # 14 digits, wrong Luhn key


def lire(*marches, concessions=()):
    return parse_bytes(document(*marches, concessions=concessions), "decp.json")


def champs_signales(result) -> set:
    return {p.champ for p in result.anomalies}


def seul(result):
    assert len(result.records) == 1, [str(p) for p in result.erreurs]
    return result.records[0]


# --- tauxAvance: a rate in [0, 1]; a percentage (> 1) is converted and reported ---------------------------

@pytest.mark.parametrize("ecrit,stocke", [(1, Decimal("1")), (1.0, Decimal("1")), (0, Decimal("0")),
                                          (0.3, Decimal("0.3")), (0.05, Decimal("0.05"))])
def test_an_advance_rate_up_to_1_is_a_rate(ecrit, stocke):
    result = lire(marche_v2(tauxAvance=ecrit, attributionAvance=True))
    record = seul(result)
    assert record.champs["taux_avance"] == stocke
    assert record.champs["taux_avance"].as_tuple().exponent == -4  # DECIMAL(5, 4)
    assert "tauxAvance" not in champs_signales(result)


@pytest.mark.parametrize("ecrit,stocke", [(30, Decimal("0.3")), (100, Decimal("1")), (1.5, Decimal("0.015")),
                                          (5, Decimal("0.05"))])
def test_an_advance_rate_above_1_is_read_as_a_percentage_and_reported(ecrit, stocke):
    result = lire(marche_v2(tauxAvance=ecrit))
    assert seul(result).champs["taux_avance"] == stocke
    assert "tauxAvance" in champs_signales(result)


def test_an_advance_rate_above_100_is_dropped_and_reported_and_a_negative_one_refused():
    result = lire(marche_v2(tauxAvance=150))
    assert seul(result).champs["taux_avance"] is None
    assert "tauxAvance" in champs_signales(result)
    result = lire(marche_v2(tauxAvance=-0.1))
    assert seul(result).champs["taux_avance"] is None
    assert "tauxAvance" in {p.champ for p in result.erreurs}


def test_no_advance_rate_is_none():
    raw = marche_v2()
    raw.pop("tauxAvance", None)
    assert seul(lire(raw)).champs["taux_avance"] is None


# --- Buyer SIRET: a wrong key is kept and reported, a wrong shape refused ---------------------------------

def test_a_buyer_siret_with_a_wrong_key_is_kept_and_reported():
    result = lire(marche_v2(acheteur={"id": SIRET_CLE_FAUSSE}))
    assert seul(result).acheteur_siret == SIRET_CLE_FAUSSE
    signalees = [p for p in result.anomalies if p.champ == "acheteur.id"]
    assert len(signalees) == 1 and SIRET_CLE_FAUSSE in signalees[0].message
    assert not result.erreurs


def test_a_valid_buyer_siret_is_not_reported():
    result = lire(marche_v2())
    assert seul(result).acheteur_siret == ACHETEUR
    assert "acheteur.id" not in champs_signales(result)


def test_a_concession_authority_with_a_wrong_key_is_reported_on_its_own_field():
    result = lire(concessions=[dict(CONCESSION, autoriteConcedante={"id": SIRET_CLE_FAUSSE})])
    record = seul(result)
    assert record.acheteur_siret == SIRET_CLE_FAUSSE
    assert record.champs["categorie"] == Categorie.CONCESSION
    assert "autoriteConcedante.id" in champs_signales(result)


@pytest.mark.parametrize("siret", ["2240000180001", "2240000180001A", ""])
def test_a_buyer_siret_that_is_not_14_digits_refuses_the_contract(siret):
    result = lire(marche_v2(acheteur={"id": siret}), marche_v2(id="2026T002"))
    assert [r.identifiant for r in result.records] == ["2026T002"]
    assert [p.champ for p in result.erreurs] == ["acheteur.id"]
    assert result.erreurs[0].index == 0


def test_a_buyer_siret_with_spaces_is_read():
    result = lire(marche_v2(acheteur={"id": "224 000 018 00016"}))
    assert seul(result).acheteur_siret == ACHETEUR
    assert "acheteur.id" not in champs_signales(result)


# --- A few other rules whose mutants survived -----------------------------------------------------------------

def test_a_valid_v2_contract_is_read_without_anomaly():
    result = lire(marche_v2())
    record = seul(result)
    assert result.anomalies == [] and result.erreurs == []
    assert result.nb_lus == 1 and result.nb_doublons == 0
    assert record.identifiant == "2026T001"
    assert record.champs["nature"] == Nature.MARCHE
    assert record.champs["montant_ht"] == Decimal("850000.00")
    assert record.champs["clause_sociale"] is True and record.champs["critere_environnemental"] is True
    assert record.champs["clause_environnementale"] is False and record.champs["critere_social"] is False
    assert [(t.id, t.role) for t in record.titulaires] == [("73282932000074", "titulaire")]


def test_an_identical_contract_is_imported_once_and_counted():
    result = lire(marche_v2(), marche_v2())
    assert len(result.records) == 1 and result.nb_lus == 2 and result.nb_doublons == 1
    assert any(p.index == 1 for p in result.anomalies)


def test_two_different_contracts_with_the_same_id_are_kept_apart():
    result = lire(marche_v2(), marche_v2(objet="Autre objet"))
    assert len(result.records) == 2
    assert len({r.discriminant for r in result.records}) == 2 and all(r.discriminant for r in result.records)
    assert sum(1 for p in result.anomalies if p.champ == "id") == 2


def test_a_file_without_marches_is_refused():
    result = parse_bytes(json.dumps({"autre": []}).encode(), "x.json")
    assert result.records == [] and [p.champ for p in result.erreurs] == ["marches"]
