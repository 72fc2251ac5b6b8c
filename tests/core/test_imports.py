"""The one import pipeline (core.imports): the table reader's detection and bounds, the one problem type and how
it reads, the one journal (and the migration that moved the two old journals into it)."""

import io
import re
import time
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template.loader import render_to_string
from openpyxl import Workbook

from core.imports import ANOMALIE, FichierRefuse, Probleme, import_confirmer, lire_tableau, mode_import
from core.models import ImportJournal
from core.utils import chunks
from facilitateurs.imports import import_participants
from marches.services import registre_importer
from tests.core.factories import UserFactory

HEADER = "code;annee_naissance;sexe;code_postal;qpv;publics;date_eligibilite"


def _xlsx(rows, dimension=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    # Rewrite the sheet's declared <dimension> as a hostile file would.
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>'.encode(), data)
                assert dimension.encode() in data
            target.writestr(item, data)
    return out.getvalue()


def test_xlsx_declaring_the_whole_sheet_is_read_at_its_real_size():
    rows = [["B1", "F", "oui"], ["B2", None, "non"]] * 10_000
    data = _xlsx([["Code", "Sexe", "QPV"], *rows], dimension="A1:XFD1048576")
    start = time.perf_counter()
    tableau = lire_tableau(data=data, fichier="bombe.xlsx")
    assert time.perf_counter() - start < 8  # padded to the declared 16,384 columns: minutes, and gigabytes
    assert tableau.colonnes == ["code", "sexe", "qpv"]
    assert tableau.lignes == [[cell or "" for cell in row] for row in rows]


def test_rows_are_cut_or_filled_to_the_header():
    tableau = lire_tableau(data=b"a;b\n1;2;3;4\n5\n", fichier="t.csv")
    assert tableau.lignes == [["1", "2"], ["5", ""]]
    tableau = lire_tableau(data=_xlsx([["a", "b"], [1, 2, 3, 4], [5]]), fichier="t.xlsx")
    assert tableau.lignes == [["1", "2"], ["5", ""]]


@pytest.mark.parametrize(("data", "colonnes"), [
    (b"a,b;c\n1,2;3\n", ["a,b", "c"]),  # more ; than , on the header: ;
    (b"a,b,c\n1,2,3\n", ["a", "b", "c"]),
    (b"a\tb\n1\t2\n", ["a", "b"]),
    ("\ufeffA;B\n1;2\n".encode(), ["a", "b"]),
    ("nom;prénom\né;è\n".encode("cp1252"), ["nom", "prénom"]),  # a French spreadsheet's CSV, not UTF-8
    ("nom;prénom\né;è\n".encode("utf-16"), ["nom", "prénom"]),
])
def test_separator_and_encoding_are_detected(data, colonnes):
    tableau = lire_tableau(data=data, fichier="t.csv")
    assert tableau.colonnes == colonnes and len(tableau.lignes) == 1


def test_a_row_past_the_limit_stops_the_reading(settings):
    settings.IMPORT_LIGNES_MAX = 3
    lire_tableau(data="\n".join(["a;b"] + ["1;2"] * 3).encode(), fichier="t.csv")
    for data, nom in (("\n".join(["a;b"] + ["1;2"] * 4).encode(), "t.csv"), (_xlsx([["a", "b"]] + [[1, 2]] * 4), "t.xlsx")):
        with pytest.raises(FichierRefuse) as exc:
            lire_tableau(data=data, fichier=nom)
        assert str(exc.value) == f"{nom} : fichier : plus de 3 lignes : lecture arrêtée (découpez le fichier)"


def test_a_header_past_the_column_limit_stops_the_reading(settings):
    settings.IMPORT_COLONNES_MAX = 10
    for data, nom in ((";".join(f"c{i}" for i in range(11)).encode(), "t.csv"),
                      (_xlsx([[f"c{i}" for i in range(11)]]), "t.xlsx")):
        with pytest.raises(FichierRefuse) as exc:
            lire_tableau(data=data, fichier=nom)
        assert str(exc.value) == f"{nom} : ligne 1 : plus de 10 colonnes dans l'en-tête : lecture arrêtée"


@pytest.mark.django_db
def test_a_register_with_a_million_columns_is_refused_at_once():
    data = (";".join(f"c{i}" for i in range(1_000_000)) + "\n").encode()
    start = time.perf_counter()
    report = registre_importer(data=data, fichier="large.csv", user=None)
    assert time.perf_counter() - start < 10
    assert report["refuse"] and report["texte_erreurs"] == [
        "large.csv : ligne 1 : plus de 500 colonnes dans l'en-tête : lecture arrêtée"]


@pytest.mark.django_db
def test_errors_are_bounded_and_the_reading_stops(settings, tmp_path):
    settings.IMPORT_ERREURS_MAX = 5
    path = tmp_path / "p.csv"
    path.write_text("\n".join([HEADER] + [f"P{i};1800;Z;;;;" for i in range(50)]), encoding="utf-8")
    resultat = import_participants(str(path), nom="p.csv")
    assert len(resultat.erreurs) == 6
    assert resultat.messages_erreurs()[-1] == ("p.csv : fichier : plus de 5 erreurs : lecture arrêtée, corrigez "
                                               "d'abord celles-ci (rien n'a été enregistré)")


@pytest.mark.django_db
def test_a_windows_1252_participants_file_is_imported(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(f"{HEADER}\nÉ1;1990;F;40100;oui;;\n".encode("cp1252"))
    resultat = import_participants(str(path), nom="p.csv")
    assert resultat.enregistre, resultat.messages_erreurs()
    assert ImportJournal.objects.get().format == ImportJournal.Format.PARTICIPANTS


def test_a_problem_reads_the_same_wherever_it_comes_from():
    assert str(Probleme("r.csv", 3, "montant_ht", "« cher » n'est pas un montant")) == \
        "r.csv : ligne 3, colonne « montant_ht » : « cher » n'est pas un montant"
    assert str(Probleme("d.json", None, "montant", "négatif", ANOMALIE, index=1, identifiant="2026T2")) == \
        "d.json : contrat n° 2 (id « 2026T2 »), champ « montant » : négatif"
    assert str(Probleme("d.json", None, "", "JSON illisible")) == "d.json : fichier : JSON illisible"
    assert str(Probleme("x.csv", 2, "code", "nul \x00 ici")) == "x.csv : ligne 2, colonne « code » : nul \\x00 ici"
    html = render_to_string("core/_problemes.html", {"problemes": [
        Probleme("r.csv", 3, "montant_ht", "pas un montant"),
        Probleme("d.json", None, "montant", "négatif", ANOMALIE, index=1, identifiant="2026T2").as_dict()]})
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", html)]
    assert cells == ["ligne 3", "", "montant_ht", "pas un montant", "contrat n° 2", "2026T2", "montant", "négatif"]


def test_import_policy_and_chunks(settings):
    settings.IMPORT_TACHE_SEUIL_OCTETS = 100
    assert (mode_import(taille=100), mode_import(taille=101)) == ("direct", "tache")
    assert list(chunks(range(5), 2)) == [[0, 1], [2, 3], [4]]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_both_journals_with_their_authors_and_dates():
    executor = MigrationExecutor(connection)
    avant = [("core", "0003_import_journal"), ("marches", "0011_decp_id_unique"),
             ("facilitateurs", "0002_suivi_lectures_journal")]
    try:
        executor.migrate(avant)
        apps = executor.loader.project_state(avant).apps
        user = apps.get_model("core", "User").objects.create(username="dcp")
        marches_journal = apps.get_model("marches", "ImportJournal")
        facil_journal = apps.get_model("facilitateurs", "JournalImport")
        decp = marches_journal.objects.create(format="decp", fichier="a.json", user=user, nb_lus=7, nb_crees=5,
                                              nb_anomalies=2, rapport={"nb_lus": 7})
        heures = facil_journal.objects.create(type="heures", fichier="h.csv", user=user, nb_lignes=3, nb_crees=2,
                                              nb_mis_a_jour=1, details={"entreprises_creees": 1})
        marches_journal.objects.filter(pk=decp.pk).update(created_at="2025-01-02T10:00:00Z")
        facil_journal.objects.filter(pk=heures.pk).update(created_at="2025-03-04T10:00:00Z")
        executor = MigrationExecutor(connection)
        executor.migrate([("marches", "0012_import_journal_vers_core"),
                          ("facilitateurs", "0003_journal_import_vers_core")])
        apps = executor.loader.project_state([("marches", "0012_import_journal_vers_core"),
                                              ("facilitateurs", "0003_journal_import_vers_core")]).apps
        rows = list(apps.get_model("core", "ImportJournal").objects.order_by("created_at").values(
            "format", "fichier", "user__username", "created_at", "nb_lus", "nb_crees", "nb_modifies",
            "nb_anomalies", "rapport"))
        assert [(r["format"], r["fichier"], r["user__username"], r["created_at"].date().isoformat(), r["nb_lus"],
                 r["nb_crees"], r["nb_modifies"], r["nb_anomalies"], r["rapport"]) for r in rows] == [
            ("decp", "a.json", "dcp", "2025-01-02", 7, 5, 0, 2, {"nb_lus": 7}),
            ("heures", "h.csv", "dcp", "2025-03-04", 3, 2, 1, 0, {"entreprises_creees": 1})]
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db
def test_a_large_register_is_written_by_a_job_and_a_refused_one_fails_it(settings, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from core.models import Tache
    from marches.jobs import JOB_IMPORT
    from marches.models import Marche
    from marches.register import modele_csv
    from marches.services import registre_importer

    settings.IMPORT_TACHE_SEUIL_OCTETS = 10
    user = UserFactory(role="dcp")
    for nom, data, etat in (("faux.csv", b"acheteur_siret;id\n1;2\n", Tache.Etat.ECHEC),
                            ("registre.csv", modele_csv().encode(), Tache.Etat.TERMINEE)):
        path = default_storage.save(f"imports_tmp/{nom}", ContentFile(data))
        with django_capture_on_commit_callbacks(execute=True):
            mode, tache = import_confirmer(
                taille=len(data), executer=lambda d=data, n=nom: registre_importer(data=d, fichier=n, user=user),
                job_type=JOB_IMPORT, parametres={"path": path, "nom": nom, "format": "registre"}, user=user)
        tache.refresh_from_db()
        assert (mode, tache.etat) == ("tache", etat), tache.message
    assert "colonne obligatoire absente" in Tache.objects.get(etat=Tache.Etat.ECHEC).message
    assert Marche.objects.get().identifiant == "2026-0001"
    journal = ImportJournal.objects.get()
    assert (journal.format, journal.fichier, journal.user, journal.nb_crees) == ("registre", "registre.csv", user, 1)
    assert Tache.objects.get(etat=Tache.Etat.TERMINEE).resultat["nb_crees"] == 1
