"""Exports are safe against spreadsheet formula injection: a text a user typed that starts with = + - @ (or a tab)
reaches the CSV/XLSX with a leading apostrophe, so a spreadsheet shows it instead of running it."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bilans.exports import graphiques_xlsx
from bilans.graphiques import Colonne, Graphique
from core.tabular import escape_cell, xlsx_feuilles_bytes
from spaser.exports import indicateurs_csv
from tests.spaser.factories import ProgrammationFactory

HOSTILE = ['=HYPERLINK("http://pirate.invalid","clic")', "+33 1 23", "-2+3", "@SUM(1)", "\t=1+1"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _xlsx_texts(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [v for ws in workbook for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def _csv_texts(content: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";") for cell in row]


def _assert_escaped(texts: list[str]):
    for hostile in HOSTILE:
        assert "'" + hostile in texts, f"{hostile!r} missing or not escaped"
    assert not [t for t in texts if t.startswith(DANGEROUS)], "a cell would run as a formula"


def test_escape_cell_leaves_numbers_and_ordinary_text():
    assert escape_cell(-3) == -3 and escape_cell("Nettoyage") == "Nettoyage" and escape_cell(None) is None
    assert escape_cell("=1+1") == "'=1+1"


@pytest.mark.django_db
def test_public_forecast_csv_and_xlsx(client):
    for i, hostile in enumerate(HOSTILE):
        ProgrammationFactory(objet=hostile, contact=f"contact {i}")
    csv_response = client.get(reverse("spaser:public_programmation_csv"))
    _assert_escaped(_csv_texts(b"".join(csv_response.streaming_content).decode()))
    _assert_escaped(_xlsx_texts(client.get(reverse("spaser:public_programmation_xlsx")).content))


def test_open_data_indicators_csv_escapes_texts_not_numbers():
    donnees = {"acheteurs": [{"siret": "22400001800016", "nom": HOSTILE[0], "annees": [{
        "annee": 2025,
        "obligations_legales": [],
        "indicateurs": [{"axe": "Axe", "objectif": "Obj", "libelle": h, "unite": "%", "valeur": "-1.5",
                         "cible": "2", "statut": "ok", "source": "saisie"} for h in HOSTILE[1:]],
    }]}]}
    texts = _csv_texts(indicateurs_csv(donnees))
    _assert_escaped([t for t in texts if t != "-1.5"])
    assert "-1.5" in texts  # a negative figure stays a number for the machines reading open data


def test_bilan_chart_workbook():
    graphique = Graphique(key="entreprises", titre="Heures par entreprise", type="barres",
                          colonnes=[Colonne("Entreprise", "texte"), Colonne("Heures", "heures")],
                          lignes=[[h, 10] for h in HOSTILE])
    _assert_escaped(_xlsx_texts(graphiques_xlsx([graphique], entete=["Acheteur : " + HOSTILE[0]])))


def test_multi_sheet_workbook():
    content = xlsx_feuilles_bytes({"identite": [{"nom": h, "heures": -3} for h in HOSTILE], "vide": []})
    _assert_escaped(_xlsx_texts(content))
    assert load_workbook(io.BytesIO(content))["identite"]["B2"].value == -3
