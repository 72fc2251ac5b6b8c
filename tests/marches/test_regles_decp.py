"""DECP import rules read through the public parser (marches.decp.parse_bytes): what is stored, what is
reported as an anomaly, what is refused (issue 20: each test fails on a mutant of the rule it names)."""

import datetime
import json
from decimal import Decimal

import pytest

from marches.decp import parse_bytes
from marches.enums import Categorie, Nature, Procedure
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


# --- How each value is read: kept, repaired and reported, or refused -------------------------------------------

def lu(champ_decp=None, valeur=None, xml=False, **overrides):
    """(record or None, fields with an anomaly, fields with an error) for one contract."""
    raw = marche_v2(**overrides)
    if champ_decp is not None:
        raw[champ_decp] = valeur
    result = lire(raw)
    record = result.records[0] if result.records else None
    return record, champs_signales(result), {p.champ for p in result.erreurs}


@pytest.mark.parametrize("valeur,attendu,signale", [
    (True, True, False), (False, False, False), ("oui", True, True), ("Vrai", True, True), ("1", True, True),
    ("yes", True, True), ("true", True, True), ("non", False, True), ("faux", False, True), ("0", False, True),
    ("no", False, True), ("false", False, True), ("", False, False), (None, False, False)])
def test_booleans(valeur, attendu, signale):
    record, anomalies, erreurs = lu("marcheInnovant", valeur)
    assert record.champs["marche_innovant"] is attendu
    assert ("marcheInnovant" in anomalies) is signale and not erreurs


def test_a_boolean_that_is_neither_true_nor_false_is_an_error_read_as_false():
    record, anomalies, erreurs = lu("marcheInnovant", "peut-être")
    assert record.champs["marche_innovant"] is False and "marcheInnovant" in erreurs


@pytest.mark.parametrize("valeur,attendu,signale", [
    ("2026-02-01", datetime.date(2026, 2, 1), False),
    ("2026-02-01T10:30:00+01:00", datetime.date(2026, 2, 1), True),
    ("2026-02-01+01:00", datetime.date(2026, 2, 1), True),
    ("01/02/2026", datetime.date(2026, 2, 1), True),
    (" 2026-02-01 ", datetime.date(2026, 2, 1), False),
])
def test_dates(valeur, attendu, signale):
    record, anomalies, erreurs = lu("dateNotification", valeur)
    assert record.champs["date_notification"] == attendu
    assert ("dateNotification" in anomalies) is signale and not erreurs


@pytest.mark.parametrize("valeur", ["2026-13-01", "32/01/2026", "1er février 2026", "2026/02/01", "20260201"])
def test_a_date_that_cannot_be_read_is_an_error(valeur):
    record, _, erreurs = lu("dateNotification", valeur)
    assert record.champs["date_notification"] is None and "dateNotification" in erreurs


def test_no_date_is_none_without_noise():
    record, anomalies, erreurs = lu("dateNotification", "")
    assert record.champs["date_notification"] is None
    assert "dateNotification" not in anomalies | erreurs


@pytest.mark.parametrize("valeur,attendu,signale", [
    (850000, Decimal("850000.00"), False), (850000.5, Decimal("850000.50"), False),
    ("850 000,50", Decimal("850000.50"), True), ("850\u202f000,50 €", Decimal("850000.50"), True),
    ("850000.50", Decimal("850000.50"), True), (0, Decimal("0.00"), False),
    (Decimal("9999999999999.99"), Decimal("9999999999999.99"), False),
])
def test_amounts(valeur, attendu, signale):
    record, anomalies, erreurs = lu("montant", float(valeur) if isinstance(valeur, Decimal) else valeur)
    assert record.champs["montant_ht"] == attendu
    assert record.champs["montant_ht"].as_tuple().exponent == -2
    assert ("montant" in anomalies) is signale and not erreurs


@pytest.mark.parametrize("valeur", [-1, "abc", True, "NaN", "Infinity", 1e14, {"a": 1}])
def test_an_amount_that_cannot_be_read_is_an_error(valeur):
    record, _, erreurs = lu("montant", valeur)
    assert record.champs["montant_ht"] is None and "montant" in erreurs


def test_amounts_are_rounded_to_the_cent():
    assert lu("montant", 100.126)[0].champs["montant_ht"] == Decimal("100.13")
    assert lu("montant", 100.124)[0].champs["montant_ht"] == Decimal("100.12")


@pytest.mark.parametrize("valeur,attendu,signale", [(12, 12, False), (12.0, 12, False), (12.4, 12, True),
                                                    (12.6, 13, True), ("12", 12, True), (0, 0, False)])
def test_integers(valeur, attendu, signale):
    record, anomalies, erreurs = lu("dureeMois", valeur)
    assert record.champs["duree_mois"] == attendu and isinstance(record.champs["duree_mois"], int)
    assert ("dureeMois" in anomalies) is signale and not erreurs


@pytest.mark.parametrize("valeur", [-1, 2_147_483_648, "douze"])
def test_an_integer_out_of_range_is_an_error(valeur):
    record, _, erreurs = lu("offresRecues", valeur)
    assert record.champs["offres_recues"] is None and "offresRecues" in erreurs


@pytest.mark.parametrize("valeur,attendu,signale", [
    ("Travaux", "Travaux", False), ("travaux", "Travaux", True), ("TRAVAUX ", "Travaux", True),
    ("MOE", "Maitrise d'œuvre", True), ("Sans CCAG", "Pas de CCAG", True), ("fcs", "Fournitures courantes et services", True),
])
def test_enumerations_read_loosely_and_reported(valeur, attendu, signale):
    record, anomalies, erreurs = lu("ccag", valeur)
    assert record.champs["ccag"] == attendu
    assert ("ccag" in anomalies) is signale and not erreurs


def test_an_unknown_enumeration_value_is_an_error_and_left_empty():
    record, _, erreurs = lu("ccag", "Marché de bricolage")
    assert record.champs["ccag"] == "" and "ccag" in erreurs


def test_a_missing_procedure_is_reported_but_a_missing_ccag_is_not():
    record, anomalies, erreurs = lu("procedure", "")
    assert record.champs["procedure"] == "" and "procedure" in anomalies and not erreurs
    record, anomalies, erreurs = lu("ccag", None)
    assert record.champs["ccag"] == "" and "ccag" not in anomalies | erreurs


@pytest.mark.parametrize("key,attendu", [
    ("marchenegociesanspublicitenimiseenconcurrenceprealable", Procedure.SANS_PUBLICITE),
    ("procduresansmiseenconcurrence", Procedure.SANS_PUBLICITE),
    ("appeldoffreouvert", Procedure.AO_OUVERT), ("appeldoffresrestreint", Procedure.AO_RESTREINT),
    ("procedureadaptee", Procedure.MAPA), ("mapa", Procedure.MAPA),
    ("dialoguecompetitif", Procedure.DIALOGUE), ("procedurenegocieeavecmiseenconcurrence", Procedure.NEGOCIEE),
    ("concours", None), ("mapasimplifie", None),
])
def test_procedures_spelled_loosely(key, attendu):
    from marches.decp import procedure_approchee

    trouve = procedure_approchee(key)
    assert (str(trouve) if trouve is not None else None) == attendu


@pytest.mark.parametrize("key,attendu", [
    ("prixprovisoire", "Provisoire"), ("fermeetactualisable", "Définitif actualisable"),
    ("prixrevisables", "Définitif révisable"), ("ferme", "Définitif ferme"), ("definitif", "Définitif ferme"),
    ("unitaire", None), ("definitifs", None),
])
def test_types_of_price_spelled_loosely(key, attendu):
    from marches.decp import type_prix_approche

    trouve = type_prix_approche(key)
    assert (str(trouve) if trouve is not None else None) == attendu


TITULAIRE = {"typeIdentifiant": "SIRET", "id": "73282932000074"}


@pytest.mark.parametrize("forme", [
    [{"titulaire": TITULAIRE}], [TITULAIRE], {"titulaire": TITULAIRE}, {"titulaire": [TITULAIRE]},
    [{"titulaire": [TITULAIRE]}], [[TITULAIRE]], TITULAIRE,
])
def test_lists_in_any_of_their_real_shapes(forme):
    record, anomalies, erreurs = lu("titulaires", forme)
    assert [(t.id, t.type_identifiant) for t in record.titulaires] == [("73282932000074", "SIRET")]
    assert "titulaires" not in anomalies | erreurs


def test_an_empty_list_is_reported_and_an_absent_one_is_not():
    record, anomalies, _ = lu("typesPrix", [])
    assert record.champs["types_prix"] == [] and "typesPrix" in anomalies
    raw = marche_v2()
    raw.pop("typesPrix")
    assert "typesPrix" not in champs_signales(lire(raw))


def test_list_items_that_are_empty_are_skipped():
    record, _, _ = lu("typesPrix", {"typePrix": ["", "Définitif ferme", None]})
    assert record.champs["types_prix"] == ["Définitif ferme"]


def test_awardees_without_type_without_id_or_unreadable():
    record, anomalies, erreurs = lu("titulaires", [{"titulaire": {"id": "73282932000074"}},
                                                   {"titulaire": {"id": "FR12345678901"}},
                                                   {"titulaire": {"typeIdentifiant": "SIRET", "id": ""}}])
    assert [(t.id, t.type_identifiant) for t in record.titulaires] == [("73282932000074", "SIRET"),
                                                                      ("FR12345678901", "TVA")]
    assert "titulaires" in anomalies and not erreurs
    record, _, erreurs = lu("titulaires", ["73282932000074"])
    assert record.titulaires == [] and "titulaires" in erreurs
    record, _, erreurs = lu("titulaires", [{"titulaire": {"typeIdentifiant": "Passeport", "id": "X1"}}])
    assert record.titulaires == [] and "titulaires" in erreurs
    record, _, erreurs = lu("titulaires", [{"titulaire": {"typeIdentifiant": "SIRET", "id": "7" * 21}}])
    assert record.titulaires == [] and "titulaires" in erreurs


def test_an_awardee_siret_with_a_wrong_key_is_kept_and_reported_and_its_name_read():
    record, anomalies, erreurs = lu("titulaires", [{"titulaire": {"typeIdentifiant": "SIRET", "id": "73282932000075",
                                                                  "denominationSociale": " Landes Paysages "}}])
    assert [(t.id, t.nom, t.role) for t in record.titulaires] == [("73282932000075", "Landes Paysages", "titulaire")]
    assert "titulaires" in anomalies and not erreurs


def test_subcontractors_are_read_with_their_amount():
    acte = {"acteSousTraitance": {"sousTraitant": {"typeIdentifiant": "SIRET", "id": "35600000000048", "nom": "Sous"},
                                  "montant": 12000, "dateNotification": "2026-03-01"}}
    record, _, erreurs = lu("actesSousTraitance", [acte], sousTraitanceDeclaree=False)
    [sous] = [t for t in record.titulaires if t.role == "sous_traitant"]
    assert (sous.id, sous.montant_ht, sous.date_notification) == ("35600000000048", Decimal("12000.00"),
                                                                  datetime.date(2026, 3, 1))
    assert record.champs["sous_traitance_declaree"] is True and not erreurs


@pytest.mark.parametrize("valeurs,drapeaux,signale", [
    (["Clause sociale"], {"clause_sociale"}, False),
    (["Critère social", "Marché réservé"], {"critere_social", "marche_reserve"}, False),
    (["clause  SOCIALE"], {"clause_sociale"}, True),
    (["Pas de considération sociale"], set(), False),
])
def test_social_considerations(valeurs, drapeaux, signale):
    record, anomalies, erreurs = lu("considerationsSociales", {"considerationSociale": valeurs})
    assert {f for f in ("clause_sociale", "critere_social", "marche_reserve") if record.champs[f]} == drapeaux
    assert ("considerationsSociales" in anomalies) is signale and not erreurs


@pytest.mark.parametrize("valeurs,drapeaux", [
    (["Clause environnementale"], {"clause_environnementale"}),
    (["Critère environnemental", "Clause environnementale"], {"clause_environnementale", "critere_environnemental"}),
    (["Pas de considération environnementale"], set()),
])
def test_environmental_considerations(valeurs, drapeaux):
    record, _, erreurs = lu("considerationsEnvironnementales", {"considerationEnvironnementale": valeurs})
    assert {f for f in ("clause_environnementale", "critere_environnemental") if record.champs[f]} == drapeaux
    assert not erreurs


def test_an_unknown_consideration_is_an_error_and_sets_nothing():
    record, _, erreurs = lu("considerationsSociales", {"considerationSociale": ["Clause environnementale"]})
    assert not any(record.champs[f] for f in ("clause_sociale", "critere_social", "marche_reserve"))
    assert "considerationsSociales" in erreurs


def test_place_of_execution():
    record, anomalies, erreurs = lu("lieuExecution", {"code": "40000", "typeCode": "Code postal", "nom": "Mont"})
    assert (record.champs["lieu_code"], record.champs["lieu_type_code"], record.champs["lieu_nom"]) == (
        "40000", "Code postal", "Mont")
    assert not erreurs and "lieuExecution.code" not in anomalies
    record, anomalies, erreurs = lu("lieuExecution", {"code": "40000"})
    assert record.champs["lieu_type_code"] == "Code postal"
    record, anomalies, erreurs = lu("lieuExecution", {"code": "40192", "typeCode": "code INSEE", "nom ": "Mont"})
    assert (record.champs["lieu_type_code"], record.champs["lieu_nom"]) == ("Code commune", "Mont")
    assert "lieuExecution.typeCode" in anomalies
    record, _, erreurs = lu("lieuExecution", "40000")
    assert "lieuExecution" in erreurs


def test_texts_are_trimmed_and_a_long_framework_id_truncated_and_reported():
    record, anomalies, _ = lu("idAccordCadre", " " + "A" * 40 + " ")
    assert record.champs["id_accord_cadre"] == "A" * 32 and "idAccordCadre" in anomalies
    record, anomalies, erreurs = lu("objet", "   ")
    assert record.champs["objet"] == "(objet non renseigné)" and "objet" in anomalies
    record, _, erreurs = lu("objet", {"texte": "x"})
    assert "objet" in erreurs


def test_xml_values_are_text_and_not_reported_as_such():
    xml = b"""<?xml version="1.0" encoding="UTF-8"?><marches><marche><id>X1</id>
    <acheteur><id>22400001800016</id></acheteur><nature>March\xc3\xa9</nature><objet>Objet</objet>
    <codeCPV>45233140</codeCPV><procedure>Proc\xc3\xa9dure adapt\xc3\xa9e</procedure><dureeMois>12</dureeMois>
    <marcheInnovant>true</marcheInnovant><montant>1000.5</montant><dateNotification>2026-02-01</dateNotification>
    <titulaires><titulaire><typeIdentifiant>SIRET</typeIdentifiant><id>73282932000074</id></titulaire></titulaires>
    </marche></marches>"""
    result = parse_bytes(xml, "decp.xml")
    record = seul(result)
    assert (record.champs["duree_mois"], record.champs["marche_innovant"], record.champs["montant_ht"]) == (
        12, True, Decimal("1000.50"))
    assert not {"dureeMois", "marcheInnovant", "montant"} & champs_signales(result)


def test_thousands_separated_by_non_breaking_spaces_are_read():
    record, anomalies, erreurs = lu("montant", "850\xa0000,50")
    assert record.champs["montant_ht"] == Decimal("850000.50") and not erreurs


def test_empty_or_unreadable_texts_are_stored_empty():
    raw = marche_v2()
    raw.pop("idAccordCadre", None)
    assert seul(lire(raw)).champs["id_accord_cadre"] == ""
    record, _, erreurs = lu("idAccordCadre", ["A1"])
    assert record.champs["id_accord_cadre"] == "" and "idAccordCadre" in erreurs
    record, _, erreurs = lu("idAccordCadre", "A\x00B")
    assert record.champs["id_accord_cadre"] == "" and "idAccordCadre" in erreurs
    record, anomalies, erreurs = lu("objet", {"texte": "x"})
    assert record.champs["objet"] == "(objet non renseigné)" and "objet" in erreurs


def test_a_text_of_exactly_the_maximum_length_is_kept_whole():
    record, anomalies, erreurs = lu("idAccordCadre", "A" * 32)
    assert record.champs["id_accord_cadre"] == "A" * 32
    assert "idAccordCadre" not in anomalies | erreurs


@pytest.mark.parametrize("valeur,attendu,signale,refuse", [
    ("45233140", "45233140", False, False), ("45233140-2", "45233140-2", False, False),
    (" 4523 3140 ", "45233140", True, False), ("4523314", "4523314", False, True), ("4523314A", "4523314A", False, True),
    ("45233140-22", "45233140-22", False, True),
])
def test_cpv_codes(valeur, attendu, signale, refuse):
    record, anomalies, erreurs = lu("codeCPV", valeur)
    assert record.champs["code_cpv"] == attendu
    assert ("codeCPV" in erreurs) is refuse
    assert ("codeCPV" in anomalies) is signale


def test_a_missing_cpv_code_is_reported():
    record, anomalies, erreurs = lu("codeCPV", "")
    assert record.champs["code_cpv"] == "" and "codeCPV" in anomalies and "codeCPV" not in erreurs


def test_contract_ids():
    record, anomalies, erreurs = lu("id", " 2026T001 ")
    assert record.identifiant == "2026T001" and "id" not in anomalies | erreurs
    record, anomalies, erreurs = lu("id", "A" * 32)
    assert record.identifiant == "A" * 32 and "id" not in anomalies | erreurs
    record, anomalies, erreurs = lu("id", "A" * 33)
    assert "id" in erreurs
    record, anomalies, erreurs = lu("id", "")
    assert record.identifiant == "" and "id" in anomalies and "id" not in erreurs


@pytest.mark.parametrize("code,type_code,attendu,signale", [
    ("40000", "Code postal", ("40000", "Code postal", ""), False),
    ("2A004", "Code commune", ("2A004", "Code commune", ""), False),
    ("Mont-de-Marsan", "Code postal", ("", "", "Mont-de-Marsan"), True),
    ("4000", "Code postal", ("", "", "4000"), True),
    ("40", "Code département", ("40", "Code département", ""), False),
    ("12345678901", "Code département", ("", "", "12345678901"), True),
    ("FR", "Code pays", ("FR", "Code pays", ""), False),
    ("Landes", "Code département", ("", "", "Landes"), True),
])
def test_place_codes_of_the_wrong_shape_are_kept_as_a_name_and_reported(code, type_code, attendu, signale):
    record, anomalies, _ = lu("lieuExecution", {"code": code, "typeCode": type_code})
    assert (record.champs["lieu_code"], record.champs["lieu_type_code"], record.champs["lieu_nom"]) == attendu
    assert ("lieuExecution.code" in anomalies) is signale


def test_a_procedure_spelled_loosely_is_first_looked_up_among_the_exact_values():
    # "negoci" would make it a "Procédure avec négociation"; the exact value (case aside) wins.
    record, anomalies, erreurs = lu("procedure", "procédure négociée OUVERTE")
    assert record.champs["procedure"] == Procedure.CONC_NEGOCIEE_OUVERTE
    assert "procedure" in anomalies and not erreurs
    record, anomalies, erreurs = lu("procedure", "Procédure négociée, avec mise en concurrence")
    assert record.champs["procedure"] == Procedure.NEGOCIEE


def test_a_rounded_integer_is_reported_with_the_value_read():
    result = lire(marche_v2(dureeMois=12.4))
    [note] = [p for p in result.anomalies if p.champ == "dureeMois"]
    assert "12.4" in note.message


def test_an_awardee_name_from_either_field_trimmed_and_cut_at_255_characters():
    record, _, _ = lu("titulaires", [{"titulaire": dict(TITULAIRE, nom=" Landes Paysages ")}])
    assert record.titulaires[0].nom == "Landes Paysages"
    record, anomalies, _ = lu("titulaires", [{"titulaire": dict(TITULAIRE, denominationSociale="N" * 255)}])
    assert record.titulaires[0].nom == "N" * 255 and "titulaires" not in anomalies
    result = lire(marche_v2(titulaires=[{"titulaire": dict(TITULAIRE, denominationSociale="N" * 256)}]))
    assert seul(result).titulaires[0].nom == "N" * 255
    assert [p.champ for p in result.anomalies] == ["titulaires"]


def test_an_identifier_declared_as_a_vat_number_is_not_checked_as_a_siret():
    record, anomalies, erreurs = lu("titulaires", [{"titulaire": {"typeIdentifiant": "TVA", "id": "73282932000075"}}])
    assert [(t.id, t.type_identifiant) for t in record.titulaires] == [("73282932000075", "TVA")]
    assert "titulaires" not in anomalies | erreurs


def test_a_place_without_code_has_no_type_and_an_unreadable_code_is_an_error_on_its_field():
    record, anomalies, erreurs = lu("lieuExecution", {"nom": "Landes"})
    assert (record.champs["lieu_code"], record.champs["lieu_type_code"], record.champs["lieu_nom"]) == (
        "", "", "Landes")
    assert not erreurs
    record, _, erreurs = lu("lieuExecution", {"code": ["40000"], "typeCode": "Code postal"})
    assert record.champs["lieu_code"] == "" and erreurs == {"lieuExecution.code"}


def test_a_place_name_is_cut_at_255_characters_and_reported():
    record, anomalies, _ = lu("lieuExecution", {"code": "40000", "typeCode": "Code postal", "nom": "L" * 255})
    assert record.champs["lieu_nom"] == "L" * 255 and "lieuExecution.nom" not in anomalies
    result = lire(marche_v2(lieuExecution={"code": "40000", "typeCode": "Code postal", "nom": "L" * 256}))
    assert seul(result).champs["lieu_nom"] == "L" * 255
    assert [p.champ for p in result.anomalies] == ["lieuExecution.nom"]
    record, _, erreurs = lu("lieuExecution", {"code": "40000", "typeCode": "Code postal", "nom": ["Mont"]})
    assert record.champs["lieu_nom"] == "" and erreurs == {"lieuExecution.nom"}


@pytest.mark.parametrize("champ,interne,drapeau,valeur_lache", [
    ("considerationsSociales", "considerationSociale", "clause_sociale", "CLAUSE sociale"),
    ("considerationsEnvironnementales", "considerationEnvironnementale", "clause_environnementale",
     "clause  environnementale"),
])
def test_considerations_report_on_their_own_field(champ, interne, drapeau, valeur_lache):
    record, anomalies, erreurs = lu(champ, [])
    assert anomalies == {champ} and not erreurs
    record, anomalies, erreurs = lu(champ, {interne: [valeur_lache]})
    assert record.champs[drapeau] is True and anomalies == {champ} and not erreurs
    # An unknown value is refused and the next ones still read.
    record, anomalies, erreurs = lu(champ, {interne: ["Clause imaginaire", valeur_lache.title()]})
    assert record.champs[drapeau] is True and erreurs == {champ}


def test_a_long_malformed_place_code_kept_as_the_name_is_cut_at_255_characters():
    record, anomalies, _ = lu("lieuExecution", {"code": "L" * 300, "typeCode": "Code postal"})
    assert (record.champs["lieu_code"], record.champs["lieu_nom"]) == ("", "L" * 255)
    assert "lieuExecution.code" in anomalies
