import copy
import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.enums import Role
from marches import decp
from marches.models import Modification
from marches.services import decp_importer, modification_enregistrer
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.decp_samples import CONCESSION, XML_V2, document
from tests.marches.factories import AttributionFactory, MarcheFactory

pytestmark = pytest.mark.django_db


def complet(**kw):
    defaults = dict(forme_prix="Forfaitaire", types_prix=["Définitif ferme"], clause_sociale=True,
                    critere_environnemental=True)
    defaults.update(kw)
    marche = MarcheFactory(**defaults)
    AttributionFactory(marche=marche)
    return marche


def test_export_validates_strictly_and_maps_considerations():
    marche = complet(marche_reserve=True, type_reservation="SIAE")
    modification_enregistrer(modification=Modification(marche=marche, montant_ht=Decimal("260000"),
                                                 date_notification=datetime.date(2025, 9, 1)))
    document_ = decp.export_json()
    assert decp.validate(document_) == []
    record = document_["marches"]["marche"][0]
    assert record["considerationsSociales"]["considerationSociale"] == ["Clause sociale", "Marché réservé"]
    assert record["considerationsEnvironnementales"]["considerationEnvironnementale"] == ["Critère environnemental"]
    assert record["montant"] == 250000 and record["modifications"][0]["modification"]["montant"] == 260000


def test_no_consideration_is_published_as_such():
    complet(clause_sociale=False, critere_environnemental=False)
    record = decp.export_json()["marches"]["marche"][0]
    assert record["considerationsSociales"]["considerationSociale"] == ["Pas de considération sociale"]
    assert record["considerationsEnvironnementales"]["considerationEnvironnementale"] == [
        "Pas de considération environnementale"]


def test_validation_is_really_applied():
    complet()
    valid = decp.export_json()
    assert decp.validate(valid) == []
    for breaker in (lambda r: r.pop("codeCPV"), lambda r: r.update(extra=1), lambda r: r.update(montant=0),
                    lambda r: r.update(procedure="Procédure négociée ouverte"), lambda r: r.update(id="X" * 17),
                    lambda r: r.update(titulaires=[])):
        broken = copy.deepcopy(valid)
        breaker(broken["marches"]["marche"][0])
        assert decp.validate(broken), breaker


def test_incomplete_contracts_are_left_out_and_listed():
    complet()
    incomplete = MarcheFactory(code_cpv="")
    document_, exclus = decp.export_document()
    assert len(document_["marches"]["marche"]) == 1
    assert exclus[0]["pk"] == incomplete.pk and "code CPV" in exclus[0]["manque"]


def test_filters_by_buyer_and_year():
    a = complet(date_notification=datetime.date(2025, 6, 1))
    complet(date_notification=datetime.date(2024, 6, 1), acheteur=a.acheteur)
    complet(acheteur=OrganisationFactory())
    assert len(decp.export_json(acheteur=a.acheteur.siret)["marches"]["marche"]) == 2
    assert len(decp.export_json(acheteur=a.acheteur, annee=2025)["marches"]["marche"]) == 1


def test_imported_concession_and_xml_round_trip_validate():
    decp_importer(data=document(concessions=[CONCESSION]), fichier="c.json")
    decp_importer(data=XML_V2.encode(), fichier="x.xml")
    document_ = decp.export_json()
    assert decp.validate(document_) == []
    assert document_["marches"]["contrat-concession"][0]["valeurGlobale"] == 12000000
    assert document_["marches"]["marche"][0]["montant"] == 180000.5


def test_command_writes_a_valid_file(tmp_path):
    marche = complet()
    output = tmp_path / "decp.json"
    call_command("export_decp", "--output", str(output), "--acheteur", marche.acheteur.siret, "--annee", "2025")
    document_ = json.loads(output.read_text())
    assert decp.validate(document_) == [] and len(document_["marches"]["marche"]) == 1


def test_download_for_a_partner_has_only_its_contracts(client):
    partenaire = OrganisationFactory(partenaire=True)
    own = complet(acheteur=partenaire, identifiant="PART-1")
    complet(identifiant="AUTRE-1")
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=partenaire))
    document_ = json.loads(client.get("/marches/decp.json").getvalue())  # a streamed file
    assert [r["id"] for r in document_["marches"]["marche"]] == [own.identifiant]
