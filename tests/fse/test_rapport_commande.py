"""`manage.py rapport_fse`: the JSON keys, the XLSX (codes only, no identity), French errors."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from facilitateurs.models import Sortie
from fse.exports import COLONNES, participants_xlsx
from fse.indicateurs import CODES
from tests.facilitateurs.factories import IdentiteParticipantFactory, ParticipantFactory
from tests.fse.factories import OperationFSEFactory, ParticipationFSEFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def donnees():
    operation = OperationFSEFactory(reference="202302345")
    identite = IdentiteParticipantFactory(nom="Zyxwabnom", prenom="Qwertine", email="zyx@exemple.invalid",
                                          telephone="06 12 34 56 78", adresse="12 rue Secrète",
                                          participant=ParticipantFactory(code="LAN-0042", annee_naissance=1990))
    p = ParticipationFSEFactory(operation=operation, participant=identite.participant, date_entree=D(2025, 2, 3),
                                handicap="nspr", sortie_recherche_emploi=True, sortie_formation=False)
    Sortie.objects.create(participant=p.participant, date_sortie=D(2025, 5, 2), categorie="EMPLOI_DURABLE")
    ParticipationFSEFactory(operation=OperationFSEFactory(reference="202399999"), date_entree=D(2025, 3, 1),
                            situation_entree="inactif")
    return operation, p


def _json(*args):
    out = io.StringIO()
    call_command("rapport_fse", *args, stdout=out)
    return json.loads(out.getvalue())


def test_json_keys_and_values(donnees):
    data = _json("--annee", "2025", "--format", "json")
    assert set(data) == {"annee", "operation", "participants", "indicateurs", "par_sexe", "donnees_incompletes",
                         "definitions"}
    assert data["annee"] == 2025 and data["operation"] is None
    assert data["participants"] == 2 and list(data["indicateurs"]) == CODES
    assert data["indicateurs"]["EECO01"] == 2 and data["indicateurs"]["EECO04"] == 1
    assert data["indicateurs"]["EECR01"] == 1 and data["indicateurs"]["EECR04"] == 1
    assert data["indicateurs"]["EECO12"] == 0  # "nspr" is not a yes
    assert data["donnees_incompletes"] == 1  # the exit's qualification answer is missing
    assert data["par_sexe"]["EECO01"] == {"F": 2, "M": 0, "X": 0}
    assert data["definitions"]["EECO02"] == "chômeurs, y compris les chômeurs de longue durée"
    un = _json("--annee", "2025", "--operation", "202302345", "--output", "-")
    assert un["operation"] == "202302345" and un["participants"] == 1


def test_json_to_a_file(donnees, tmp_path):
    fichier = tmp_path / "rapport.json"
    call_command("rapport_fse", "--annee", "2025", "--output", str(fichier), stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert json.loads(fichier.read_text(encoding="utf-8"))["participants"] == 2


def test_xlsx_codes_only_and_no_identity(donnees, tmp_path):
    operation, p = donnees
    fichier = tmp_path / "participants.xlsx"
    call_command("rapport_fse", "--annee", "2025", "--format", "xlsx", "--output", str(fichier),
                 stderr=io.StringIO())
    feuille = load_workbook(fichier).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert list(lignes[0]) == COLONNES
    assert len(lignes) == 3
    row = dict(zip(COLONNES, next(r for r in lignes[1:] if r[1] == "LAN-0042"), strict=True))
    assert row["Opération (référence)"] == "202302345" and row["Sexe (F/M/X)"] == "F"
    assert row["Âge à l'entrée"] == 35 and row["Situation à l'entrée (code)"] == "chomeur_ld"
    assert row["Handicap (oui/non/nspr)"] == "nspr"
    assert row["Recherche d'emploi à la sortie (1/0)"] == 1 and row["Enseignement ou formation à la sortie (1/0)"] == 0
    assert row["Qualification obtenue à la sortie (1/0)"] is None and row["Emploi à la sortie (1/0)"] == 1
    assert row["Données complètes (1/0)"] == 0
    texte = " ".join(str(v) for r in lignes for v in r if v is not None)
    for secret in ("Zyxwabnom", "Qwertine", "zyx@exemple.invalid", "06 12 34 56 78", "Secrète"):
        assert secret not in texte
    # nor anywhere in the file's XML (shared strings, properties)
    with zipfile.ZipFile(fichier) as archive:
        for nom in archive.namelist():
            assert b"Zyxwabnom" not in archive.read(nom) and b"Qwertine" not in archive.read(nom)
    un = load_workbook(io.BytesIO(participants_xlsx(annee=2025, operation=operation))).active
    assert un.max_row == 2


def test_errors_in_french(donnees, tmp_path):
    with pytest.raises(CommandError, match="Aucune opération FSE\\+ de référence INCONNUE."):
        call_command("rapport_fse", "--annee", "2025", "--operation", "INCONNUE")
    with pytest.raises(CommandError, match="--output FICHIER.xlsx est obligatoire"):
        call_command("rapport_fse", "--annee", "2025", "--format", "xlsx")
    with pytest.raises(CommandError, match="Année invalide"):
        call_command("rapport_fse", "--annee", "25")


@pytest.mark.parametrize("args", [
    ("--annee", "abc"), ("--annee", "2025", "--format", "pdf"), ("--annee", "2101"), ("--annee", "1999"),
    ("--format", "json"),
])
def test_bad_arguments_are_a_command_error_and_nothing_is_written(donnees, tmp_path, args):
    fichier = tmp_path / "rapport.json"
    with pytest.raises(CommandError):
        call_command("rapport_fse", *args, "--output", str(fichier), stdout=io.StringIO(), stderr=io.StringIO())
    assert not fichier.exists()


@pytest.mark.parametrize("format_", ["json", "xlsx"])
def test_an_output_that_cannot_be_written_is_a_french_command_error(donnees, tmp_path, format_):
    fichier = tmp_path / "absent" / f"rapport.{format_}"
    with pytest.raises(CommandError, match="Impossible d'écrire .*absent"):
        call_command("rapport_fse", "--annee", "2025", "--format", format_, "--output", str(fichier),
                     stdout=io.StringIO(), stderr=io.StringIO())


def test_the_operation_reference_is_read_without_surrounding_spaces(donnees):
    assert _json("--annee", "2025", "--operation", " 202302345 ")["operation"] == "202302345"
