from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from core.models import ImportJournal
from facilitateurs.models import Eligibilite, HeuresMensuelles, Participant
from marches.models import Entreprise
from tests.core.factories import OrganisationFactory, make_siret
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.factories import EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db

HEADER = ("acheteur_siret;marche_id;entreprise_siret;entreprise_nom;entreprise_code_postal;participant_code;"
          "mois;heures;modalite;type_contrat")


@pytest.fixture
def ctx():
    acheteur = OrganisationFactory(instance=True)
    marche = MarcheFactory(acheteur=acheteur, identifiant="2025M1")
    entreprise = EntrepriseFactory(code_postal="")
    p1, p2 = ParticipantFactory(code="A1"), ParticipantFactory(code="A2")
    return {"acheteur": acheteur, "marche": marche, "entreprise": entreprise, "p1": p1, "p2": p2}


def write(tmp_path, name, lines, bom=False, sep=";"):
    path = tmp_path / name
    text = "\n".join(line.replace(";", sep) for line in lines) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return str(path)


def rows(ctx, *specs):
    a, m, e = ctx["acheteur"].siret, ctx["marche"].identifiant, ctx["entreprise"].siret
    return [f"{a};{m};{e};Bâti Sud;40100;{code};{mois};{h};EMBAUCHE_DIRECTE;CDD" for code, mois, h in specs]


def test_import_heures_idempotent_and_replaces_values(ctx, tmp_path):
    path = write(tmp_path, "h.csv", [HEADER, *rows(ctx, ("A1", "2026-01", "35,5"), ("A2", "2026-01", "70"))])
    call_command("import_heures", path)
    call_command("import_heures", path)
    assert HeuresMensuelles.objects.count() == 2
    assert HeuresMensuelles.objects.get(participant=ctx["p1"]).heures == Decimal("35.50")
    ctx["entreprise"].refresh_from_db()
    assert ctx["entreprise"].code_postal == "40100"  # a known company without postal code gets it
    path = write(tmp_path, "h2.csv", [HEADER, *rows(ctx, ("A1", "2026-01", "40"))])
    call_command("import_heures", path)
    assert HeuresMensuelles.objects.get(participant=ctx["p1"]).heures == Decimal("40")
    journal = ImportJournal.objects.filter(format="heures").order_by("created_at")
    assert [(j.nb_crees, j.nb_modifies) for j in journal] == [(2, 0), (0, 2), (0, 1)]


def test_import_heures_refuses_everything_and_names_every_bad_row(ctx, tmp_path, capsys):
    a, m = ctx["acheteur"].siret, ctx["marche"].identifiant
    lines = [HEADER, *rows(ctx, ("A1", "2026-01", "35")),
             f"{a};{m};{make_siret(99, '3')};Nouvelle SARL;40000;INCONNU;2026-01;10;EMBAUCHE_DIRECTE;CDD",
             f"{a};ZZZ;{ctx['entreprise'].siret};;;A1;2026-13;dix;PAS_UNE_MODALITE;CDD"]
    path = write(tmp_path, "mauvais.csv", lines)
    with pytest.raises(CommandError):
        call_command("import_heures", path)
    err = capsys.readouterr().err
    assert "mauvais.csv : ligne 3, colonne « participant_code » : participant « INCONNU » inconnu" in err
    for column in ("mois", "heures", "modalite"):
        assert f"mauvais.csv : ligne 4, colonne « {column} »" in err
    assert HeuresMensuelles.objects.count() == 0
    assert not Entreprise.objects.filter(nom="Nouvelle SARL").exists()
    assert not ImportJournal.objects.exists()


def test_import_heures_unknown_contract_and_ambiguous_id(ctx, tmp_path, capsys):
    MarcheFactory(acheteur=ctx["acheteur"], identifiant="DOUBLE")
    MarcheFactory(acheteur=ctx["acheteur"], identifiant="DOUBLE", discriminant="lot2")
    a, e = ctx["acheteur"].siret, ctx["entreprise"].siret
    path = write(tmp_path, "h.csv", [
        HEADER, f"{a};DOUBLE;{e};X;;A1;2026-01;1;EMBAUCHE_DIRECTE;", f"{a};NEXISTEPAS;{e};X;;A1;2026-01;1;FORMATION;"])
    with pytest.raises(CommandError):
        call_command("import_heures", path)
    err = capsys.readouterr().err
    assert "ligne 2, colonne « marche_id » : identifiant « DOUBLE » ambigu" in err
    assert "ligne 3, colonne « marche_id » : marché « NEXISTEPAS » inconnu" in err


@pytest.mark.parametrize(("sep", "bom"), [(",", True), (";", False), (",", False)])
def test_import_heures_separators_and_bom_create_unknown_company(ctx, tmp_path, sep, bom):
    siret = make_siret(77, "3")
    a, m = ctx["acheteur"].siret, ctx["marche"].identifiant
    header = HEADER.upper() + ";montant_ht"
    lines = [header, f"{a};{m};{siret};Insertion Plus;40000;;2026-02;0;SOUS_TRAITANCE_SIAE;;1500.50"]
    if sep == ",":
        lines = [header, f"{a};{m};{siret};Insertion Plus;40000;;2026-02;0;sous_traitance_siae;;1500.50"]
    call_command("import_heures", write(tmp_path, "h.csv", lines, bom=bom, sep=sep))
    call_command("import_heures", write(tmp_path, "h.csv", lines, bom=bom, sep=sep))
    entreprise = Entreprise.objects.get(siret=siret)
    assert entreprise.nom == "Insertion Plus" and entreprise.departement == "40"
    row = HeuresMensuelles.objects.get()
    assert row.participant is None and row.montant_ht == Decimal("1500.50")


def test_import_heures_xlsx(ctx, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append([h.capitalize() for h in HEADER.split(";")])
    ws.append([int(ctx["acheteur"].siret), ctx["marche"].identifiant, ctx["entreprise"].siret, "Bâti", "40100",
               "A1", "2026-03", 12.5, "FORMATION", "AUTRE"])
    path = tmp_path / "h.xlsx"
    wb.save(path)
    call_command("import_heures", str(path))
    row = HeuresMensuelles.objects.get()
    assert row.heures == Decimal("12.50") and row.mois.month == 3 and row.modalite == "FORMATION"


def test_import_participants(tmp_path, capsys):
    header = "Code,Annee_naissance,Sexe,Code_postal,QPV,Publics,Date_eligibilite"
    path = write(tmp_path, "p.csv", [header, "B1,1990,F,40100,oui,RSA|DELD,15/01/2026", "B2,,m,,non,,"], sep=",")
    call_command("import_participants", path)
    call_command("import_participants", path)
    assert Participant.objects.count() == 2
    b1 = Participant.objects.get(code="B1")
    assert b1.qpv and b1.sexe == "F"
    assert sorted(Eligibilite.objects.filter(participant=b1).values_list("public", flat=True)) == ["DELD", "RSA"]
    assert Eligibilite.objects.filter(participant=b1).first().date_fin_validite.isoformat() == "2026-04-15"
    bad = write(tmp_path, "p2.csv", [header, "B3,1890,Z,4010,peut-être,RSA|XYZ,2026-02-30"], sep=",")
    with pytest.raises(CommandError):
        call_command("import_participants", bad)
    err = capsys.readouterr().err
    for column in ("annee_naissance", "sexe", "code_postal", "qpv", "publics", "date_eligibilite"):
        assert f"p2.csv : ligne 2, colonne « {column} »" in err
    assert not Participant.objects.filter(code="B3").exists()
