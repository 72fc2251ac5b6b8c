"""Hostile register spreadsheets fed to marches.services.registre_importer: random bytes, random CSV text
and the template row with mutated cells (CSV and XLSX). Never an exception; a refused file writes nothing
and names file, row and column; an accepted file stores what it holds."""

import io
from decimal import Decimal

import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from marches import register
from marches.models import Marche
from marches.services import registre_importer
from tests.core.factories import UserFactory
from tests.robustesse.hostile import HOSTILE, changed, rolled_back, snapshot, weird_cell

pytestmark = pytest.mark.django_db

ROW = {
    "acheteur_siret": "22400001800016",
    "id": "2026-0001",
    "objet": "Entretien des espaces verts",
    "code_cpv": "77310000",
    "nature": "Marché",
    "procedure": "Procédure adaptée",
    "montant_ht": "180000",
    "date_lancement": "2026-09-01",
    "date_notification": "15/11/2026",
    "duree_mois": "36",
    "lieu_code_postal": "40000",
    "titulaires_sirets": "73282932000074",
    "considerations_sociales": "Clause sociale",
    "considerations_environnementales": "Clause environnementale|Critère environnemental",
    "clause_insertion_part_main_oeuvre": "0.6",
    "clause_insertion_taux": "0.07",
    "clause_insertion_cout_horaire": "28",
}
HOSTILE_CELLS = st.one_of(
    weird_cell,
    st.sampled_from(
        ["1e14", "99999999999999", "2147483648", "1e400", "NaN", "-5", "0,000001", "1" * 40, "22400001800017"]
    ),
)


@pytest.fixture
def user():
    return UserFactory(role="dcp")


def csv_bytes(columns, rows, sep=";") -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def xlsx_bytes(columns, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check(data: bytes, fichier: str, user):
    before = snapshot()
    report = registre_importer(data=data, fichier=fichier, user=user)
    after = snapshot()
    event("refusé" if report["refuse"] else "accepté")
    if report["refuse"]:
        assert changed(before, after) == {}
        assert report["texte_erreurs"]
        for text in report["texte_erreurs"]:
            assert text.startswith((f"{fichier} : ligne ", f"{fichier} : fichier : ")), text
        for erreur in report["erreurs"]:
            assert erreur["raison"]
            assert erreur["colonne"] in ("", *register.COLUMNS) or "," in erreur["colonne"], erreur
    else:
        assert after["core.ImportJournal"] == before["core.ImportJournal"] + 1
    return report


@HOSTILE
@given(data=st.binary(max_size=2000))
def test_random_bytes(user, data):
    with rolled_back():
        check(data, "octets.csv", user)


@HOSTILE
@given(text=st.text(max_size=500))
def test_random_text(user, text):
    with rolled_back():
        check(text.encode("utf-8", "surrogatepass"), "texte.csv", user)


def _stored_matches(report, row):
    if report["refuse"]:
        return
    marche = Marche.objects.get(acheteur__siret=row["acheteur_siret"].strip(), identifiant=row["id"].strip())
    assert marche.objet == row["objet"].strip()
    if row["montant_ht"].strip().isdigit():
        assert marche.montant_ht == Decimal(row["montant_ht"].strip())
    if row["duree_mois"].strip().isdigit():
        assert marche.duree_mois == int(row["duree_mois"].strip())


cell_mutations = st.dictionaries(st.sampled_from(sorted(ROW)), HOSTILE_CELLS, min_size=1, max_size=4)


@HOSTILE
@given(
    mutation=cell_mutations,
    missing=st.sets(st.sampled_from(sorted(ROW)), max_size=2),
    doubled=st.booleans(),
    xlsx=st.booleans(),
)
def test_mutated_rows(user, mutation, missing, doubled, xlsx):
    row = ROW | mutation
    columns = [c for c in register.COLUMNS if c not in missing]
    rows = [row, row] if doubled else [row]
    try:
        data = xlsx_bytes(columns, rows) if xlsx else csv_bytes(columns, rows)
    except IllegalCharacterError:  # openpyxl cannot write control characters in a cell: no such workbook
        assume(False)
    with rolled_back():
        report = check(data, "registre.xlsx" if xlsx else "registre.csv", user)
        if doubled and not missing & set(register.REQUIRED):
            assert report["refuse"]
            assert any(
                "même acheteur et même identifiant qu'à la ligne 2" in e for e in report["texte_erreurs"]
            )
        elif not missing and not doubled:
            _stored_matches(report, {k: str(v) for k, v in row.items()})


def test_huge_values_are_refused_with_their_place(user):
    row = ROW | {
        "montant_ht": "1e14",
        "duree_mois": "2147483648",
        "objet": "a\x00b",
        "clause_insertion_cout_horaire": "NaN",
    }
    before = snapshot()
    report = registre_importer(data=csv_bytes(register.COLUMNS, [row]), fichier="enorme.csv", user=user)
    assert report["refuse"] and changed(before, snapshot()) == {}
    columns = {e["colonne"] for e in report["erreurs"]}
    assert {"montant_ht", "duree_mois", "objet", "clause_insertion_cout_horaire"} <= columns
    assert all(e["ligne"] == 2 for e in report["erreurs"])


def test_template_row_is_stored(user):
    report = registre_importer(
        data=csv_bytes(register.COLUMNS, [ROW | {"objet": "=1+1 Entretien"}]), fichier="ok.csv", user=user
    )
    assert not report["refuse"], report["texte_erreurs"]
    marche = Marche.objects.get(identifiant="2026-0001")
    assert (marche.objet, marche.montant_ht, marche.duree_mois) == ("=1+1 Entretien", Decimal("180000"), 36)


def test_unknown_columns_are_refused_by_name(user):
    colonnes = register.COLUMNS + ["montant_htt", "Remarques"]
    before = snapshot()
    report = registre_importer(data=csv_bytes(colonnes, [ROW]), fichier="faute.csv", user=user)
    assert report["refuse"] and changed(before, snapshot()) == {}
    assert report["texte_erreurs"] == [
        "faute.csv : ligne 1 : colonnes inconnues : « montant_htt », « remarques » (rien n'a été enregistré ; "
        "les colonnes acceptées sont celles du modèle de fichier)"]


def test_many_unknown_columns_are_listed_in_a_bounded_message(user):
    colonnes = register.COLUMNS + [f"x{i}" for i in range(300)]
    report = registre_importer(data=csv_bytes(colonnes, [ROW]), fichier="large.csv", user=user)
    [message] = report["texte_erreurs"]
    assert "« x19 » et 280 autres" in message and "x20" not in message


def test_the_contract_lists_export_columns_come_back_in(user):
    colonnes = register.COLUMNS + register.LIST_EXTRA_COLUMNS
    report = registre_importer(data=csv_bytes(colonnes, [ROW]), fichier="liste.csv", user=user)
    assert not report["refuse"], report["texte_erreurs"]
