"""The value rules shared by the DECP and register importers (marches.decp_regles), called directly: what is
kept, reported or refused, including the values an importer passes as None (issue 20: mutation survivors)."""

import pytest

from marches import decp_regles as r

SIRET_OK = "73282932000074"
SIRET_CLE_FAUSSE = "73282932000075"


def test_spaces_removed_and_none_is_empty():
    assert r.sans_espaces(" 732 829\u00a0320 00074 ") == SIRET_OK
    assert r.sans_espaces(None) == ""


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_buyer_siret_is_an_error(value):
    verdict = r.acheteur_siret(value)
    assert verdict.valeur == "" and verdict.anomalie is None
    assert verdict.erreur.startswith("SIRET de l'acheteur absent")


def test_a_buyer_siret_that_is_not_14_digits_is_an_error_quoting_it():
    verdict = r.acheteur_siret("2240000180001")
    assert verdict.valeur == "2240000180001" and verdict.anomalie is None
    assert verdict.erreur.startswith("SIRET de l'acheteur illisible") and "2240000180001" in verdict.erreur


def test_a_buyer_siret_with_a_wrong_key_is_kept_with_an_anomaly():
    verdict = r.acheteur_siret("22400001800017")
    assert (verdict.valeur, verdict.erreur) == ("22400001800017", None)
    assert verdict.anomalie.startswith("SIRET de l'acheteur invalide") and "22400001800017" in verdict.anomalie
    assert r.acheteur_siret("224 000 018 00016") == r.Verdict("22400001800016")


def test_company_identifiers():
    assert r.entreprise_identifiant(None) == r.Verdict(("", ""))
    assert r.entreprise_identifiant(SIRET_OK) == r.Verdict((SIRET_OK, "SIRET"))
    assert r.entreprise_identifiant("FR12345678901") == r.Verdict(("FR12345678901", "TVA"))
    assert r.entreprise_identifiant(SIRET_CLE_FAUSSE, "TVA") == r.Verdict((SIRET_CLE_FAUSSE, "TVA"))
    cle = r.entreprise_identifiant(SIRET_CLE_FAUSSE, "SIRET")
    assert cle.valeur == (SIRET_CLE_FAUSSE, "SIRET") and cle.erreur is None
    assert cle.anomalie.startswith("SIRET invalide") and SIRET_CLE_FAUSSE in cle.anomalie


def test_a_company_identifier_of_20_characters_is_kept_and_of_21_refused():
    assert r.entreprise_identifiant("A" * 20) == r.Verdict(("A" * 20, "TVA"))
    long = r.entreprise_identifiant("A" * 21)
    assert long.valeur == ("A" * 21, "") and long.erreur.startswith("identifiant d'entreprise trop long")


@pytest.mark.parametrize("ident", ["AB\x07CD", "AB\x00CD", "AB\ud800CD"])
def test_an_unprintable_company_identifier_is_refused(ident):
    verdict = r.entreprise_identifiant(ident)
    assert verdict.valeur == (ident, "") and verdict.erreur.startswith("identifiant d'entreprise illisible")


def test_contract_ids():
    for value in (None, "", "  "):
        verdict = r.marche_identifiant(value)
        assert verdict == r.Verdict("", anomalie="identifiant vide")
    assert r.marche_identifiant(" 2026T001 ") == r.Verdict("2026T001")
    assert r.marche_identifiant("A" * 32) == r.Verdict("A" * 32)
    long = r.marche_identifiant("A" * 33)
    assert long.valeur == "A" * 33 and long.erreur == "identifiant de 33 caractères (32 au plus)"


def test_cpv_codes():
    assert r.code_cpv(None) == r.Verdict("")
    assert r.code_cpv("") == r.Verdict("")
    assert r.code_cpv("45233140-2") == r.Verdict("45233140-2")
    nettoye = r.code_cpv(" 4523 3140 ")
    assert nettoye.valeur == "45233140" and nettoye.anomalie and nettoye.erreur is None
    assert r.code_cpv("4523314").erreur.startswith("code CPV illisible")


def test_places():
    assert r.lieu(None, "Code postal", None) == r.Verdict(("", "Code postal", ""))
    assert r.lieu(" 40000 ", "Code postal", " Mont ") == r.Verdict(("40000", "Code postal", "Mont"))
    # No shape known for a department: any code with a digit, up to 10 characters.
    assert r.lieu("1234567890", "Code département") == r.Verdict(("1234567890", "Code département", ""))
    trop_long = r.lieu("12345678901", "Code département")
    assert trop_long.valeur == ("", "", "12345678901")
    mal = r.lieu("Mont-de-Marsan", "Code postal")
    assert mal.valeur == ("", "", "Mont-de-Marsan")
    assert mal.anomalie == "« Mont-de-Marsan » n'est pas un code postal : gardé comme nom du lieu"
    sans_type = r.lieu("Landes", "")
    assert sans_type.anomalie == "« Landes » n'est pas un code : gardé comme nom du lieu"
    assert r.lieu("Landes", "", "Département").valeur == ("", "", "Département")
