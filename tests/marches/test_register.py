import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from clauses.models import ClauseMarche
from core.enums import Role
from core.models import ImportJournal
from marches import register
from marches.models import Entreprise, Marche
from marches.services import registre_importer
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db
SIRET = "22400001800016"
HEADER = ";".join(register.COLUMNS)


def _csv(*rows, sep=";", bom=False, header=None):
    header = header or sep.join(register.COLUMNS)
    text = "\n".join([header, *rows]) + "\n"
    return (("\ufeff" if bom else "") + text).encode()


def _row(**kw):
    values = {"acheteur_siret": SIRET, "id": "2026-0001", "objet": "Entretien des espaces verts",
              "code_cpv": "77310000", "nature": "Marché", "procedure": "Procédure adaptée", "montant_ht": "180000",
              "date_lancement": "2026-09-01", "date_notification": "15/11/2026", "duree_mois": "36",
              "lieu_code_postal": "40000", "titulaires_sirets": "73282932000074",
              "considerations_sociales": "Clause sociale",
              "considerations_environnementales": "Clause environnementale|Critère environnemental"}
    values.update(kw)
    return values


def _line(sep=";", **kw):
    values = _row(**kw)
    return sep.join(str(values.get(c, "")) for c in register.COLUMNS)


def test_import_creates_contracts_companies_and_compliance():
    report = registre_importer(data=_csv(_line(), bom=True), fichier="r.csv")
    assert not report["refuse"], report["texte_erreurs"]
    marche = Marche.objects.get(identifiant="2026-0001")
    assert marche.acheteur.siret == SIRET and marche.origine == "registre"
    assert marche.montant_ht == Decimal("180000") and marche.date_notification.isoformat() == "2026-11-15"
    assert marche.clause_sociale and marche.clause_environnementale and marche.critere_environnemental
    assert marche.statut_conformite == "conforme"
    assert [a.entreprise.siret for a in marche.attributions.all()] == ["73282932000074"]
    assert marche.history.first().history_change_reason == "Import du registre"
    assert ImportJournal.objects.get().nb_crees == 1


def test_comma_separator_uppercase_headers_and_reimport_unchanged():
    header = ",".join(c.upper() for c in register.COLUMNS)
    data = _csv(_line(sep=",", objet="Tonte"), sep=",", header=header)
    assert registre_importer(data=data, fichier="r.csv")["nb_crees"] == 1
    report = registre_importer(data=data, fichier="r.csv")
    assert (report["nb_crees"], report["nb_modifies"], report["nb_inchanges"]) == (0, 0, 1)


def test_every_bad_row_is_reported_and_nothing_is_written():
    data = _csv(_line(), _line(id="2", montant_ht="cher", code_cpv="7731"), _line(id="3", titulaires_sirets="1" * 21),
                _line(id="4", considerations_sociales="Clause verte"), _line())
    report = registre_importer(data=data, fichier="r.csv")
    assert report["refuse"]
    found = {(e["ligne"], e["colonne"]) for e in report["erreurs"]}
    assert found == {(3, "montant_ht"), (3, "code_cpv"), (4, "titulaires_sirets"), (5, "considerations_sociales"),
                     (6, "id")}
    assert "r.csv : ligne 3, colonne « montant_ht » : « cher » n'est pas un montant" in report["texte_erreurs"]
    assert not Marche.objects.exists() and not Entreprise.objects.exists()


def test_missing_required_column_and_garbage_are_refused():
    assert registre_importer(data=b"objet;montant_ht\nx;1\n", fichier="r.csv")["erreurs"][0]["colonne"] == \
        "acheteur_siret, id"
    assert registre_importer(data=b"\xff\xfe\x00garbage", fichier="r.csv")["refuse"]


def test_clause_columns_are_applied():
    data = _csv(_line(clause_insertion_part_main_oeuvre="0.5", clause_insertion_taux="0.05",
                      clause_insertion_cout_horaire="30", montant_ht="1000000"))
    report = registre_importer(data=data, fichier="r.csv")
    assert not report["refuse"], report["texte_erreurs"]
    clause = ClauseMarche.objects.get(type_clause="insertion")
    assert clause.heures_requises.quantize(Decimal("1")) == Decimal("833")


def test_bad_clause_value_is_reported_with_its_column():
    report = registre_importer(data=_csv(_line(clause_insertion_taux="5")), fichier="r.csv")
    assert report["erreurs"][0]["colonne"] == "clause_insertion_taux"


def test_export_edit_import_round_trip_csv_and_xlsx(tmp_path):
    marche = MarcheFactory(acheteur=OrganisationFactory(siret=SIRET), identifiant="R-1", clause_sociale=True,
                           objet="=1+1 formule")
    AttributionFactory(marche=marche, entreprise=EntrepriseFactory(siret="73282932000074"))
    csv_path, xlsx_path = tmp_path / "r.csv", tmp_path / "r.xlsx"
    call_command("export_marches", "--output", str(csv_path))
    call_command("export_marches", "--output", str(xlsx_path))
    text = csv_path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == HEADER and "'=1+1 formule" in text
    report = registre_importer(data=csv_path.read_bytes(), fichier="r.csv")
    assert (report["nb_inchanges"], report["nb_modifies"]) == (1, 0), report["texte_erreurs"]
    report = registre_importer(data=xlsx_path.read_bytes(), fichier="r.xlsx")
    assert report["nb_inchanges"] == 1, report["texte_erreurs"]
    assert Marche.objects.get().objet == "=1+1 formule"
    registre_importer(data=csv_path.read_bytes().replace(b"250000", b"260000"), fichier="r.csv")
    assert Marche.objects.get().montant_ht == Decimal("260000")


def test_xlsx_written_by_a_spreadsheet_is_read():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.capitalize() for c in register.BASE_COLUMNS])
    row = _row()
    sheet.append([row.get(c, "") for c in register.BASE_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = registre_importer(data=buffer.getvalue(), fichier="r.xlsx")
    assert report["nb_crees"] == 1, report["texte_erreurs"]


def test_command_exits_non_zero_on_errors(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_bytes(_csv(_line(date_notification="hier")))
    with pytest.raises(CommandError):
        call_command("import_marches", str(path))
    assert "ligne 2, colonne « date_notification »" in capsys.readouterr().err


def test_template_download_imports_cleanly(client):
    client.force_login(UserFactory(role=Role.DCP))
    content = client.get(reverse("marches:registre_modele")).content
    assert content.decode("utf-8-sig").splitlines()[0] == HEADER
    upload = io.BytesIO(content)
    upload.name = "modele-registre-marches.csv"  # uploads are checked on their extension and content
    response = client.post(reverse("marches:import_registre"), {"fichier": upload}, follow=True)
    assert response.status_code == 200  # the preview
    assert not response.context["report"]["refuse"], response.context["report"]["erreurs"]
    assert not Marche.objects.exists()
    client.post(response.redirect_chain[-1][0])  # confirmed
    assert Marche.objects.count() == 1


def test_a_published_id_longer_than_the_decp_limit_is_refused_with_its_column():
    report = registre_importer(data=_csv(_line(id_decp="P" * (register.regles.DECP_ID_MAX + 1))), fichier="r.csv")
    assert report["refuse"]
    assert [(e["ligne"], e["colonne"]) for e in report["erreurs"]] == [(2, "id_decp")]
    assert not Marche.objects.exists()
    report = registre_importer(data=_csv(_line(id_decp="P" * register.regles.DECP_ID_MAX)), fichier="r.csv")
    assert not report["refuse"], report["texte_erreurs"]
    assert Marche.objects.get().decp_id == "P" * register.regles.DECP_ID_MAX
