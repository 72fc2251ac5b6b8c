"""One chart component with its data table (issue 19): every chart on screen (dashboards, SPASER evaluation) comes
with the same figures in an accessible table (caption, column headers, row headers), its data for Chart.js, and
the one chart script (static/js/graphiques.js)."""

import json
from decimal import Decimal

import pytest
import tinyhtml5
from django.urls import reverse

from core.enums import Role
from tests.bilans.helpers import page_chiffres
from tests.core.factories import UserFactory
from tests.spaser.factories import CibleFactory, IndicateurFactory, SpaserFactory

NS = "{http://www.w3.org/1999/xhtml}"


def _texte(element) -> str:
    return " ".join("".join(element.itertext()).split())


def composants(html: str) -> dict:
    """Per chart key: its canvas, its JSON data and its table (caption, column and row headers, cells)."""
    arbre = tinyhtml5.parse(html)
    par_cle = {}
    for canvas in arbre.iter(f"{NS}canvas"):
        par_cle[canvas.get("data-chart")] = {"canvas": canvas}
    for script in arbre.iter(f"{NS}script"):
        if (script.get("id") or "").startswith("graphique-donnees-"):
            par_cle.setdefault(script.get("id").removeprefix("graphique-donnees-"), {})["donnees"] = \
                json.loads(script.text)
    for details in arbre.iter(f"{NS}details"):
        cle = (details.get("data-testid") or "").removeprefix("chiffres-")
        if not cle or cle not in par_cle:
            continue
        table = next(details.iter(f"{NS}table"))
        par_cle[cle]["table"] = {
            "caption": _texte(next(table.iter(f"{NS}caption"))),
            "colonnes": [(th.get("scope"), _texte(th)) for th in next(table.iter(f"{NS}thead")).iter(f"{NS}th")],
            "lignes": [[(c.tag.removeprefix(NS), c.get("scope"), _texte(c)) for c in tr]
                       for tr in next(table.iter(f"{NS}tbody")).iter(f"{NS}tr")],
        }
    return par_cle


@pytest.mark.django_db
def test_every_dashboard_chart_has_its_accessible_table(client, jeu):
    client.force_login(UserFactory(role=Role.ELU, organisation=jeu.instance))
    response = page_chiffres(client, reverse("bilans:dashboard"), {"annee": 2025})
    html = response.content.decode()
    assert "js/graphiques.js" in html
    charts = [g for g in response.context["charts"] if not g.vide]
    trouves = composants(html)
    assert len(charts) >= 5
    for g in charts:
        composant = trouves[g.key]
        assert composant["canvas"].get("role") == "img" and g.titre in composant["canvas"].get("aria-label")
        assert composant["donnees"]["labels"] == [str(ligne[0]) for ligne in g.lignes]
        table = composant["table"]
        assert table["caption"] == " ".join(g.titre.split())
        assert table["colonnes"] == [("col", c.titre) for c in g.colonnes]
        assert len(table["lignes"]) == len(g.lignes)
        for ligne, attendue in zip(table["lignes"], g.lignes_formatees(), strict=True):
            assert ligne[0][:2] == ("th", "row")  # each row named by its first cell
            assert [texte for _, _, texte in ligne] == [" ".join(v.split()) for v in attendue]
    # The yearly trend: one row per plotted year, hours as the screen reads them.
    assert [ligne[0][2] for ligne in trouves["tendance_heures"]["table"]["lignes"]] == ["2024", "2025"]
    assert trouves["tendance_heures"]["donnees"]["entier"] is True  # a count axis steps by whole numbers


@pytest.mark.django_db
def test_spaser_evaluation_trend_charts_have_the_table_of_their_years(client):
    spaser = SpaserFactory(en_vigueur=True, annee_debut=2024, annee_fin=2026)
    instance = spaser.acheteurs.get()
    indicateur = IndicateurFactory(objectif__axe__spaser=spaser, libelle="Part des marchés à clause sociale")
    for annee, valeur in ((2024, "0.25"), (2025, "0.30"), (2026, "0.35")):
        CibleFactory(indicateur=indicateur, annee=annee, valeur=Decimal(valeur))
    client.force_login(UserFactory(role=Role.DCP, organisation=instance))
    response = page_chiffres(client, reverse("spaser:evaluation", args=[spaser.pk]), {"annee": "2026"})
    html = response.content.decode()
    assert "js/graphiques.js" in html
    composant = composants(html)[f"indicateur-{indicateur.pk}"]
    table = composant["table"]
    assert "Part des marchés à clause sociale" in table["caption"]
    assert table["colonnes"] == [("col", "Année"), ("col", "Réalisé"), ("col", "Cible")]
    annees = [ligne[0][2] for ligne in table["lignes"]]
    assert annees == composant["donnees"]["labels"] == ["2024", "2025", "2026"]
    cibles = [ligne[2][2] for ligne in table["lignes"]]
    assert cibles == ["25,0 %", "30,0 %", "35,0 %"]
    [reel, cible] = composant["donnees"]["datasets"]
    assert cible["pointilles"] and not reel["pointilles"]  # the target is drawn dashed
