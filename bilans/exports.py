"""XLSX exports of the charts' numbers (openpyxl): one sheet per chart, numbers as numbers."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from core.tabular import escape_cell

from .graphiques import Graphique

NUMBER_FORMATS = {"nombre": "#,##0", "euros": '#,##0.00 "€"', "heures": '#,##0 "h"', "pourcent": "0.0%"}


def _sheet_title(text: str, used: set) -> str:
    title = "".join(ch for ch in text if ch not in "[]:*?/\\")[:28] or "Feuille"
    base, n = title, 2
    while title in used:
        title = f"{base[:25]}_{n}"
        n += 1
    used.add(title)
    return title


def graphiques_xlsx(graphiques: list[Graphique], *, entete: list[str]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used = set()
    for g in graphiques:
        ws = wb.create_sheet(_sheet_title(g.key, used))
        ws.append([g.titre])
        ws["A1"].font = Font(bold=True)
        for line in entete:
            ws.append([escape_cell(line)])
        ws.append([])
        ws.append([c.titre for c in g.colonnes])
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
        for ligne in g.lignes:
            values = []
            for colonne, value in zip(g.colonnes, ligne, strict=False):
                if colonne.format == "texte":
                    values.append("" if value is None else escape_cell(str(value)))
                else:
                    values.append(None if value is None else float(value))
            ws.append(values)
            for colonne, cell in zip(g.colonnes, ws[ws.max_row], strict=False):
                if colonne.format in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[colonne.format]
        if g.note:
            ws.append([])
            ws.append([g.note])
        if g.definition:
            ws.append([])
            ws.append([escape_cell(f"Définition : {g.definition}")])
        ws.column_dimensions["A"].width = 50
        for letter in "BCDEF":
            ws.column_dimensions[letter].width = 18
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

