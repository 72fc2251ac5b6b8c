"""CSV and XLSX writing shared by every export (contracts, register, participants, SPASER, bilans). Text cells that a spreadsheet
would run as a formula (starting with = + - @, or a tab/CR) get a leading apostrophe."""

import csv
import datetime
import io
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """Undo escape_cell on import, so an export edited and imported back keeps its text."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(escape_cell(value))


class _Echo:
    def write(self, value):
        return value


def csv_stream(columns, rows, delimiter=";"):
    """Yield CSV lines (UTF-8 with BOM for spreadsheets) for a StreamingHttpResponse or a file."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff" + writer.writerow(columns)
    for row in rows:
        yield writer.writerow([csv_text(row.get(c)) for c in columns])


def xlsx_bytes(columns, rows, title="Marchés") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(columns)
    for row in rows:
        values = []
        for c in columns:
            v = row.get(c)
            if isinstance(v, Decimal):
                v = float(v)
            elif isinstance(v, bool):
                v = "oui" if v else "non"
            values.append(escape_cell(v))
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_feuilles_bytes(feuilles: dict[str, list[dict]]) -> bytes:
    """A workbook with one sheet per key (rows as dicts, the first row's keys as headers), every text cell escaped."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for titre, rows in feuilles.items():
        sheet = workbook.create_sheet(title=titre[:31])
        rows = rows if isinstance(rows, list) else [rows]
        if not rows:
            sheet.append(["(aucune donnée)"])
            continue
        columns = list(rows[0].keys())
        sheet.append(columns)
        for row in rows:
            sheet.append([escape_cell(_xlsx_value(row.get(c))) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, str | int | float | datetime.date):
        return value
    return str(value)
