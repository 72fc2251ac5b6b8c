"""Exports of the SPASER: evaluation (XLSX), forecast of purchases (CSV, XLSX), public indicators (CSV).
CSV files are semicolon-separated UTF-8 with a BOM (a French spreadsheet opens them as is). The forecast CSV is
for people (French number and date formats); the indicators CSV is open data for machines (dot decimals)."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.tabular import escape_cell
from core.templatetags.formats import format_date, format_nombre

from .enums import Unite

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {Unite.POURCENT: "0.0%", Unite.EUROS: '#,##0 "€"', Unite.HEURES: '#,##0 "h"', Unite.NOMBRE: "#,##0.##"}


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    return escape_cell(value)  # text a spreadsheet would run as a formula gets a leading apostrophe


def _workbook(titre: str, entetes: list[str]):
    wb = Workbook()
    ws = wb.active
    ws.title = titre[:31]
    ws.append(entetes)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    return wb, ws


def _widths(ws, widths):
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Evaluation -----------------------------------------------------------------------------------


def evaluation_xlsx(evaluation: dict) -> bytes:
    spaser, acheteur, annee = evaluation["spaser"], evaluation["acheteur"], evaluation["annee"]
    wb, ws = _workbook(f"Évaluation {annee}", [
        "Axe", "Objectif", "Indicateur", "Unité", "Origine", "Référence", "Année de référence",
        f"Cible {annee}", f"Réalisé {annee}", "Écart", "Statut",
    ])
    for ligne in evaluation["lignes"]:
        indicateur = ligne["indicateur"]
        ws.append([
            _cell(indicateur.objectif.axe.titre), _cell(indicateur.objectif.titre), _cell(indicateur.libelle),
            indicateur.get_unite_display(), _cell(ligne["source_valeur"]), _cell(indicateur.valeur_reference),
            indicateur.annee_reference, _cell(ligne["cible"]), _cell(ligne["reel"]), _cell(ligne["ecart"]),
            str(dict(_statuts()).get(ligne["statut"], ligne["statut"])),
        ])
        number_format = FORMATS.get(indicateur.unite, "General")
        for column in ("F", "H", "I", "J"):
            ws[f"{column}{ws.max_row}"].number_format = number_format
    _widths(ws, [28, 36, 48, 12, 40, 12, 10, 12, 12, 12, 14])
    # Trend sheet: actual and target per year.
    annees = evaluation["annees_tendance"]
    tendance = wb.create_sheet("Tendance")
    tendance.append(["Indicateur", "Série"] + [str(a) for a in annees])
    for cell in tendance[1]:
        cell.font = Font(bold=True)
    for ligne in evaluation["lignes"]:
        libelle = _cell(ligne["indicateur"].libelle)
        tendance.append([libelle, "Cible"] + [_cell(p["cible"]) for p in ligne["serie"]])
        tendance.append([libelle, "Réalisé"] + [_cell(p["reel"]) for p in ligne["serie"]])
    _widths(tendance, [48, 10] + [12] * len(annees))
    info = wb.create_sheet("Contexte")
    for row in (("Schéma", _cell(str(spaser))), ("Acheteur", _cell(f"{acheteur} ({acheteur.siret})")), ("Année", annee),
                ("Statut du schéma", spaser.get_statut_display())):
        info.append(list(row))
    return _bytes(wb)


def _statuts():
    from .enums import StatutEvaluation

    return StatutEvaluation.choices


# --- Forecast of upcoming purchases ----------------------------------------------------------------


def _programmation_rows(queryset, interne: bool):
    for p in queryset.iterator(chunk_size=500):
        row = [
            p.objet, p.acheteur.nom, p.acheteur.siret, p.famille.nom if p.famille else "",
            p.montant_estime_ht, p.annee, p.trimestre, "; ".join(p.types_clauses_libelles), p.clauses_prevues,
            p.contact, p.created_at,
        ]
        if interne:
            row += [p.direction.nom if p.direction else "", "oui" if p.published else "non"]
        yield [escape_cell(value) for value in row]


def _programmation_entetes(interne: bool):
    entetes = ["Objet", "Acheteur", "SIRET de l'acheteur", "Famille d'achat", "Montant estimé HT (€)", "Année",
               "Trimestre", "Clauses prévues", "Précisions sur les clauses", "Contact", "Ajouté le"]
    if interne:
        entetes += ["Direction", "Publié"]
    return entetes


class _Echo:
    def write(self, value):
        return value


def programmation_csv(queryset, *, interne: bool = False, filename: str = "programmation-achats.csv"):
    writer = csv.writer(_Echo(), delimiter=";")

    def lignes():
        yield "\ufeff" + writer.writerow(_programmation_entetes(interne))
        for row in _programmation_rows(queryset, interne):
            row[4] = format_nombre(row[4], 2) if row[4] is not None else ""
            row[10] = format_date(row[10])
            yield writer.writerow(row)

    response = StreamingHttpResponse(lignes(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def programmation_xlsx(queryset, *, interne: bool = False, filename: str = "programmation-achats.xlsx"):
    wb, ws = _workbook("Programmation", _programmation_entetes(interne))
    for row in _programmation_rows(queryset, interne):
        row[4] = _cell(row[4])
        row[10] = row[10].replace(tzinfo=None) if row[10] else None
        ws.append(row)
        ws[f"E{ws.max_row}"].number_format = '#,##0 "€"'
        ws[f"K{ws.max_row}"].number_format = "DD/MM/YYYY"
    _widths(ws, [60, 30, 16, 30, 16, 8, 10, 40, 40, 30, 12, 20, 8])
    response = HttpResponse(_bytes(wb), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- Public indicators (open data) ---------------------------------------------------------------


CSV_INDICATEURS = ["siret_acheteur", "acheteur", "annee", "categorie", "indicateur", "unite", "valeur", "cible",
                   "statut", "source", "definition"]


def indicateurs_csv(donnees: dict) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_INDICATEURS)
    for row in indicateurs_lignes(donnees):
        # Texts are escaped against formula injection; numbers (dot decimals, maybe negative) are left as they are.
        writer.writerow([row[key] if key in ("valeur", "cible") else escape_cell(row[key]) for key in CSV_INDICATEURS])
    return buffer.getvalue()


def indicateurs_lignes(donnees: dict):
    """Flat rows of the public indicators: the legal figures (number and value) then the scheme's own."""
    for bloc in donnees["acheteurs"]:
        for annee in bloc["annees"]:
            base = {"siret_acheteur": bloc["siret"], "acheteur": bloc["nom"], "annee": annee["annee"]}
            for item in annee["obligations_legales"]:
                yield {**base, "categorie": "Indicateur légal (D2111-3)", "indicateur": item["libelle"],
                       "unite": item["unite"], "valeur": _point(item["valeur"]), "cible": _point(item.get("cible")),
                       "statut": item.get("statut") or "", "source": "Données de l'acheteur (marchés notifiés)",
                       "definition": item.get("definition", "")}
            for item in annee["indicateurs"]:
                yield {**base, "categorie": f"{item['axe']} — {item['objectif']}", "indicateur": item["libelle"],
                       "unite": item["unite"], "valeur": _point(item["valeur"]), "cible": _point(item["cible"]),
                       "statut": item["statut"], "source": item["source"], "definition": item.get("definition", "")}


def _point(value):
    """Machine-readable decimal (dot separator) for open data."""
    if value is None or value == "":
        return ""
    return format(Decimal(str(value)).normalize(), "f") if not isinstance(value, str) else value
