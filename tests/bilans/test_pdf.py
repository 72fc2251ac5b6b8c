import io
import json

import pytest
from django.core.management import CommandError, call_command

from bilans import pdf as bilan_pdf_module
from bilans.pdf import bilan_html, bilan_pdf, resume_phrases
from bilans.selectors import indicateurs_annuels
from tests.bilans.helpers import normalise, pdf_text


def test_pdf_carries_the_key_figures_in_french_formats(jeu, tmp_path):
    content = bilan_pdf(acheteur=jeu.instance, annee=2025)
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert "Bilan annuel 2025" in text
    assert "En 2025, 1 marché notifié a porté la clause d'insertion" in text
    assert "380 h d'insertion ont été réalisées en 2025 par 3 personnes" in text
    assert "Depuis 2024 : 730 h d'insertion, 3 entreprises dont 66,7 % implantées dans le département" in text
    assert "4 personnes en difficulté ont obtenu un contrat de travail" in text
    assert "200 000,00 €" in text
    assert "40,0 % des marchés notifiés comportent au moins une considération sociale" in text
    assert "2 025" not in text  # years are not formatted as numbers


def test_summary_sentences(jeu):
    phrases = resume_phrases(indicateurs_annuels(acheteur=jeu.instance, annee=2025))
    assert normalise(phrases[0]).startswith("En 2025, 1 marché notifié a porté la clause d'insertion, sur 5 marchés")


def test_pdf_of_a_convention(jeu, tmp_path):
    text = pdf_text(bilan_pdf(annee=2025, convention=jeu.convention), tmp_path)
    assert "Partenaire A" in text and jeu.convention.intitule in text
    assert "300 h d'insertion ont été réalisées en 2025 par 1 personnes" in text


def test_extra_sections_are_appended_and_a_broken_one_does_not_stop_the_bilan(jeu, monkeypatch):
    calls = []

    def section(acheteur, annee):
        calls.append((acheteur.siret, annee))
        return "<h2>Objectifs du SPASER</h2><p>Section ajoutée par une autre application</p>"

    def broken(acheteur, annee):
        raise RuntimeError("boom")

    monkeypatch.setattr(bilan_pdf_module, "SECTIONS_SUPPLEMENTAIRES", [section, broken])
    html = bilan_html(acheteur=jeu.instance, annee=2025)
    assert calls == [(jeu.instance.siret, 2025)]
    assert "Section ajoutée par une autre application" in html
    assert "Une section complémentaire n'a pas pu être produite" in html


def test_command_json_to_stdout_and_file(jeu, tmp_path):
    out = io.StringIO()
    call_command("generer_bilan", "--annee", "2025", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["acheteur_siret"] == jeu.instance.siret and data["acheteur_departement"] == "40"
    assert data["heures_realisees"] == 380 and data["heures_requises"] == 300
    assert data["marches_notifies"] == {"nombre": 5, "montant_ht": 200000}
    assert data["cumul"] == {"depuis": 2024, "heures_realisees": 730, "participants": 4, "entreprises": 3,
                             "entreprises_locales_part": pytest.approx(0.6667), "entreprises_locales": 2}
    target = tmp_path / "bilan.json"
    call_command("generer_bilan", "--annee", "2025", "--acheteur", jeu.partenaire.siret, "--depuis", "2025",
                 "--format", "json", "--output", str(target), stderr=io.StringIO())
    partenaire = json.loads(target.read_text())
    assert partenaire["acheteur_siret"] == jeu.partenaire.siret and partenaire["heures_realisees"] == 300


def test_command_pdf(jeu, tmp_path):
    target = tmp_path / "bilan.pdf"
    call_command("generer_bilan", "--annee", "2025", "--output", str(target), stderr=io.StringIO())
    assert "380 h" in pdf_text(target.read_bytes(), tmp_path)


def test_command_errors(jeu):
    with pytest.raises(CommandError):
        call_command("generer_bilan", "--annee", "2025", "--acheteur", "00000000000000", "--format", "json")
    with pytest.raises(CommandError):
        call_command("generer_bilan", "--annee", "2025")  # a PDF needs --output
    with pytest.raises(CommandError):
        call_command("generer_bilan", "--annee", "2024", "--depuis", "2025", "--format", "json")
