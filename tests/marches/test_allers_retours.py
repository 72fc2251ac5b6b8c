"""Import, export, import again: nothing changes.

- DECP: import → export → import → export is byte-identical and keeps the contract count, on the official
  examples and on real files; a contract is recognised by its published id (stored once).
- Register: whatever the database holds (contracts from DECP files with anomalies included) goes out and comes
  back unchanged, with the same anomaly/error rule as the DECP import (marches.decp_regles).
"""

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from marches import decp, register
from marches.models import Attribution, Marche, Modification
from marches.services import decp_importer, registre_importer
from tests.core.factories import OrganisationFactory
from tests.marches.decp_samples import ACHETEUR, CONCESSION, XML_V2, document, marche_v2
from tests.marches.factories import AttributionFactory, MarcheFactory

pytestmark = pytest.mark.django_db

# CI keeps a read-only copy of shared/ beside the clone.
SHARED = Path(settings.BASE_DIR).resolve().parent / "shared" / "decp"
V1 = SHARED / "real-v1-ville-de-croix-2019-2021.json"
V2 = SHARED / "real-v2-megalis-2024.json"
avec_fichiers_reels = pytest.mark.skipif(not (V1.exists() and V2.exists()),
                                         reason="fichiers DECP réels absents (../shared/decp)")

# The shapes of the official examples of the format (139bercy/format-commande-publique, exemples/json):
# sub-contracting acts, an amendment naming awardees, origin shares, framework id, a concession with its
# execution data and an amendment.
OFFICIEL_MARCHE = {
    "id": "TEST2022", "acheteur": {"id": "21750001600019"}, "marcheInnovant": True, "origineUE": 0.1,
    "origineFrance": 0.1, "ccag": "Travaux", "offresRecues": 4, "formePrix": "Forfaitaire",
    "typesPrix": {"typePrix": ["Définitif ferme"]},
    "considerationsEnvironnementales": {"considerationEnvironnementale": ["Clause environnementale"]},
    "attributionAvance": True, "considerationsSociales": {"considerationSociale": ["Clause sociale", "Critère social"]},
    "nature": "Marché", "objet": "Construction d'un équipement sportif", "codeCPV": "45000000-7",
    "techniques": {"technique": ["Concours", "Accord-cadre"]}, "modalitesExecution": {"modaliteExecution": ["Tranches"]},
    "idAccordCadre": "1234567890", "tauxAvance": 0,
    "titulaires": [{"titulaire": {"id": "55204599900869", "typeIdentifiant": "SIRET"}}],
    "typeGroupementOperateurs": "Pas de groupement", "sousTraitanceDeclaree": True,
    "datePublicationDonnees": "2024-05-25",
    "actesSousTraitance": [{"acteSousTraitance": {
        "id": 1, "sousTraitant": {"id": "214356", "typeIdentifiant": "SIRET"}, "dureeMois": 12,
        "dateNotification": "2023-10-11", "montant": 123456.89, "variationPrix": "Révisable",
        "datePublicationDonnees": "2023-10-12"}}],
    "modifications": [{"modification": {
        "id": 1, "dureeMois": 12, "montant": 123457.87,
        "titulaires": [{"titulaire": {"id": "868768687576575", "typeIdentifiant": "SIRET"}}],
        "dateNotificationModification": "2022-10-18", "datePublicationDonneesModification": "2022-10-20"}}],
    "procedure": "Appel d'offres ouvert", "lieuExecution": {"code": "75000", "typeCode": "Code postal"},
    "dureeMois": 48, "dateNotification": "2024-05-15", "montant": 575000,
}
OFFICIEL_CONCESSION = {
    "id": "0612202306122024", "autoriteConcedante": {"id": "21750001600019"}, "nature": "Concession de travaux",
    "objet": "Objet de la consultation 1", "procedure": "Procédure négociée ouverte", "dureeMois": 12,
    "dateSignature": "2024-04-02", "datePublicationDonnees": "2024-04-12", "dateDebutExecution": "2024-04-01",
    "valeurGlobale": 10.3, "montantSubventionPublique": 0.5,
    "donneesExecution": [{"donneesAnnuelles": {"datePublicationDonneesExecution": "2024-04-18",
                                               "depensesInvestissement": 15.3,
                                               "tarifs": [{"tarif": {"intituleTarif": "Tarif", "tarif": 14.29}}]}}],
    "concessionnaires": [{"concessionnaire": {"typeIdentifiant": "SIRET", "id": "38103128500491"}}],
    "considerationsSociales": {"considerationSociale": ["Clause sociale", "Critère social"]},
    "considerationsEnvironnementales": {"considerationEnvironnementale": ["Clause environnementale"]},
    "modifications": [{"modification": {"id": 1, "dateSignatureModification": "2023-04-19",
                                        "datePublicationDonneesModification": "2023-04-20", "dureeMois": 14,
                                        "valeurGlobale": 25.0}}],
}


def exemples_officiels() -> list[tuple[str, bytes]]:
    long_id = marche_v2(id="2026-TRAVAUX-RD824-LOT-01", objet="Lot 1 (identifiant de 25 caractères)")
    return [
        ("officiel.json", document(OFFICIEL_MARCHE, marche_v2(), long_id, concessions=[OFFICIEL_CONCESSION,
                                                                                         CONCESSION])),
        ("officiel.xml", XML_V2.encode()),
    ]


def _exporter() -> bytes:
    document_, _ = decp.export_document()
    assert decp.validate(document_) == []
    return json.dumps(document_, ensure_ascii=False, indent=1).encode()


def _etat() -> dict:
    """Every stored contract field by field, with its companies and amendments."""
    return {
        "marches": list(Marche.objects.order_by("pk").values()),
        "attributions": list(Attribution.objects.order_by("pk").values("marche_id", "entreprise__siret", "role",
                                                                        "montant_ht", "date_notification")),
        "modifications": list(Modification.objects.order_by("pk").values()),
    }


def _tout_effacer():
    Attribution.objects.all().delete()
    Marche.objects.all().delete()


def _aller_retour_decp(fichiers):
    for nom, data in fichiers:
        assert not decp_importer(data=data, fichier=nom)["refuse"]
    export = _exporter()
    nb_publies = sum(len(v) for v in json.loads(export)["marches"].values())
    assert nb_publies > 0
    # The same database: our own publication is recognised contract by contract and changes nothing.
    avant, nombre = _etat(), Marche.objects.count()
    report = decp_importer(data=export, fichier="export.json")
    assert (report["nb_crees"], report["nb_modifies"], report["nb_inchanges"]) == (0, 0, nb_publies)
    assert Marche.objects.count() == nombre and _etat() == avant
    assert _exporter() == export
    # An empty database: the published contracts come back as they were published.
    _tout_effacer()
    report = decp_importer(data=export, fichier="export.json")
    assert report["nb_crees"] == nb_publies and Marche.objects.count() == nb_publies
    assert _exporter() == export
    report = decp_importer(data=export, fichier="export.json")
    assert (report["nb_crees"], report["nb_inchanges"]) == (0, nb_publies)
    return nb_publies


def test_official_examples_round_trip_byte_identical():
    assert _aller_retour_decp(exemples_officiels()) == 6


@avec_fichiers_reels
def test_real_files_round_trip_byte_identical():
    assert _aller_retour_decp([(V1.name, V1.read_bytes()), (V2.name, V2.read_bytes())]) == 5


# --- The published id ----------------------------------------------------------------------------------

def test_a_long_id_is_published_under_a_stored_id_the_import_recognises():
    long_id = marche_v2(id="2026-TRAVAUX-RD824-LOT-01")
    decp_importer(data=document(long_id), fichier="a.json")
    marche = Marche.objects.get()
    record = json.loads(_exporter())["marches"]["marche"][0]
    marche.refresh_from_db()
    assert record["id"] == marche.decp_id == f"SPASER-{marche.pk}"
    # Stored: renaming the contract does not change what was published.
    Marche.objects.filter(pk=marche.pk).update(identifiant="AUTRE")
    assert json.loads(_exporter())["marches"]["marche"][0]["id"] == f"SPASER-{marche.pk}"
    Marche.objects.filter(pk=marche.pk).update(identifiant="2026-TRAVAUX-RD824-LOT-01")
    # The published record, amended, updates the contract it came from.
    amended = copy.deepcopy(record) | {"montant": 990000}
    report = decp_importer(data=document(amended), fichier="b.json")
    assert (report["nb_crees"], report["nb_modifies"]) == (0, 1)
    assert Marche.objects.get().montant_ht == 990000
    # The buyer's original file still names it by its own id.
    report = decp_importer(data=document(long_id), fichier="a.json")
    assert (report["nb_crees"], report["nb_modifies"], Marche.objects.count()) == (0, 1, 1)


def test_the_buyers_own_id_is_published_when_it_fits_and_names_one_contract():
    decp_importer(data=document(marche_v2(id="2026T001")), fichier="a.json")
    partage = [marche_v2(id="LOT", objet="Lot 1"), marche_v2(id="LOT", objet="Lot 2")]
    decp_importer(data=document(*partage), fichier="b.json")
    ids = {m.identifiant + "/" + m.objet: m.decp_id for m in Marche.objects.all()}
    assert set(ids.values()) == {""}  # nothing assigned before an export
    published = sorted(r["id"] for r in json.loads(_exporter())["marches"]["marche"])
    lots = Marche.objects.filter(identifiant="LOT").order_by("pk")
    assert published == sorted(["2026T001"] + [f"SPASER-{m.pk}" for m in lots])
    assert len(Marche.history.filter(history_change_reason="Identifiant publié (DECP) attribué")) == 3


def test_a_contract_entered_by_hand_keeps_its_published_id():
    marche = MarcheFactory(identifiant="2025-0001", forme_prix="Forfaitaire", types_prix=["Définitif ferme"])
    AttributionFactory(marche=marche)
    export = _exporter()
    marche.refresh_from_db()
    assert marche.decp_id == "2025-0001"
    report = decp_importer(data=export, fichier="export.json")
    assert (report["nb_crees"], report["nb_inchanges"]) == (0, 1)


# --- v1 formePrix -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("forme", "type_prix"), [
    ("Ferme", "Définitif ferme"), ("Révisable", "Définitif révisable"), ("REVISABLE", "Définitif révisable"),
    ("Ferme et actualisable", "Définitif actualisable"), ("ferme, actualisable", "Définitif actualisable"),
    ("Prix révisables", "Définitif révisable"), ("Provisoire", "Provisoire"),
])
def test_v1_forme_prix_is_read_as_the_v2_type_of_price(forme, type_prix):
    record = marche_v2(formePrix=forme)
    record.pop("typesPrix")
    result = decp.parse_bytes(document(record), "v1.json")
    assert result.erreurs == []
    assert result.records[0].champs["types_prix"] == [type_prix]
    assert result.records[0].champs["forme_prix"] == ""


@avec_fichiers_reels
def test_real_v1_contracts_giving_forme_prix_are_not_left_out_for_a_missing_type_of_price():
    raws = json.loads(V1.read_bytes())["marches"]
    assert not decp_importer(data=V1.read_bytes(), fichier=V1.name)["refuse"]
    _, exclus = decp.export_document()
    donnent = sum(1 for raw in raws if raw.get("formePrix"))
    assert donnent == 158
    sans_type = [e for e in exclus if "type de prix" in e["manque"]]
    assert len(sans_type) == 1  # the one record without formePrix
    assert Marche.objects.exclude(types_prix=[]).count() == 157  # 158 minus the one identical duplicate
    # What they lack for v2 is said as such: the form of price (unitaire, forfaitaire, mixte) that v1 never had.
    assert not [e for e in exclus if "forme du prix" in e["manque"] and Marche.objects.get(pk=e["pk"]).types_prix]


# --- Register -------------------------------------------------------------------------------------------

def _export_registre(tmp_path, nom="registre.csv") -> bytes:
    path = tmp_path / nom
    call_command("export_marches", "--output", str(path))
    return path.read_bytes()


@avec_fichiers_reels
@pytest.mark.parametrize("nom", ["registre.csv", "registre.xlsx"])
def test_register_round_trips_contracts_imported_from_decp_files_with_anomalies(tmp_path, nom):
    decp_importer(data=V1.read_bytes(), fichier=V1.name)
    decp_importer(data=V2.read_bytes(), fichier=V2.name)
    nombre = Marche.objects.count()
    assert nombre == 163
    export = _export_registre(tmp_path, nom)
    avant = _etat()
    report = registre_importer(data=export, fichier=nom)
    assert report["erreurs"] == [], report["texte_erreurs"][:5]
    assert (report["nb_crees"], report["nb_modifies"], report["nb_inchanges"]) == (0, 0, nombre)
    assert Marche.objects.count() == nombre and _etat() == avant
    # The anomalies are kept and reported as the DECP import reports them.
    messages = [a["message"] for a in report["anomalies"]]
    assert any("SIRET invalide « 69300109100091810330 » conservé tel quel" in m for m in messages)
    assert any("identifiant vide" in m for m in messages)
    assert report["nb_anomalies"] == len(report["anomalies"]) > 0
    if nom.endswith(".csv"):
        assert _export_registre(tmp_path, nom) == export


@avec_fichiers_reels
def test_register_of_decp_contracts_recreates_them_in_an_empty_database(tmp_path):
    decp_importer(data=V1.read_bytes(), fichier=V1.name)
    export = _export_registre(tmp_path)
    nombre = Marche.objects.count()
    _tout_effacer()
    report = registre_importer(data=export, fichier="registre.csv")
    assert report["erreurs"] == [] and report["nb_crees"] == nombre == Marche.objects.count()
    assert _export_registre(tmp_path) == export
    report = registre_importer(data=export, fichier="registre.csv")
    assert report["nb_inchanges"] == nombre


def test_a_published_id_is_not_changed_by_the_register(tmp_path):
    marche = MarcheFactory(acheteur=OrganisationFactory(siret=ACHETEUR), identifiant="R-1", decp_id="PUB-1")
    ligne = {c: "" for c in register.COLUMNS} | {"acheteur_siret": ACHETEUR, "id": "R-1", "id_decp": "AUTRE",
                                                 "objet": marche.objet}
    data = (";".join(register.COLUMNS) + "\n" + ";".join(ligne[c] for c in register.COLUMNS) + "\n").encode()
    report = registre_importer(data=data, fichier="r.csv")
    assert report["refuse"] and report["erreurs"][0]["colonne"] == "id_decp"
    assert Marche.objects.get().decp_id == "PUB-1"


# --- One rule for both importers ----------------------------------------------------------------------------

def _ligne_registre(**values) -> bytes:
    row = {c: "" for c in register.COLUMNS} | {
        "acheteur_siret": ACHETEUR, "id": "2026T001", "objet": "Réfection de la RD 824", "code_cpv": "45233140",
        "duree_mois": "12", "lieu_code_postal": "40000", "titulaires_sirets": "73282932000074"} | values
    return (";".join(register.COLUMNS) + "\n" + ";".join(row[c] for c in register.COLUMNS) + "\n").encode()


# (DECP field change, register column change, expected: "anomalie" or "erreur")
CAS = {
    "SIRET acheteur à la clé fausse": ({"acheteur": {"id": "22400001800017"}}, {"acheteur_siret": "22400001800017"},
                                       "anomalie"),
    "SIRET acheteur de 13 chiffres": ({"acheteur": {"id": "2240000180001"}}, {"acheteur_siret": "2240000180001"},
                                      "erreur"),
    "SIRET titulaire à la clé fausse": ({"titulaires": [{"titulaire": {"id": "73282932000075",
                                                                       "typeIdentifiant": "SIRET"}}]},
                                        {"titulaires_sirets": "73282932000075"}, "anomalie"),
    "identifiant d'entreprise trop long": ({"titulaires": [{"titulaire": {"id": "1" * 21,
                                                                          "typeIdentifiant": "SIRET"}}]},
                                           {"titulaires_sirets": "1" * 21}, "erreur"),
    "lieu donné par son nom": ({"lieuExecution": {"code": "croix", "typeCode": "Code postal"}},
                               {"lieu_code_postal": "croix"}, "anomalie"),
    "CPV avec une espace": ({"codeCPV": "4523 3140"}, {"code_cpv": "4523 3140"}, "anomalie"),
    "CPV illisible": ({"codeCPV": "7731"}, {"code_cpv": "7731"}, "erreur"),
    "identifiant trop long": ({"id": "X" * 33}, {"id": "X" * 33}, "erreur"),
    "identifiant vide": ({"id": ""}, {"id": "", "id_decp": "PUB-1"}, "anomalie"),
    "durée non entière": ({"dureeMois": "12,4"}, {"duree_mois": "12,4"}, "anomalie"),
    "durée négative": ({"dureeMois": -3}, {"duree_mois": "-3"}, "erreur"),
}


@pytest.mark.parametrize("cas", sorted(CAS))
def test_both_importers_apply_the_same_rule(cas):
    changement_decp, changement_registre, attendu = CAS[cas]
    decp_report = decp_importer(data=document(marche_v2(**changement_decp)), fichier="d.json")
    decp_marche = Marche.objects.first()
    _tout_effacer()
    registre_report = registre_importer(data=_ligne_registre(**changement_registre), fichier="r.csv")
    registre_marche = Marche.objects.first()
    assert decp_report["refuse"] == registre_report["refuse"] == (attendu == "erreur"), (decp_report["erreurs"],
                                                                                        registre_report["erreurs"])
    if attendu == "anomalie":
        champ = {"acheteur_siret": "acheteur.id", "titulaires_sirets": "titulaires", "lieu_code_postal":
                 "lieuExecution.code", "code_cpv": "codeCPV", "id": "id", "duree_mois": "dureeMois"}[
            next(iter(changement_registre))]
        decp_messages = {a["message"] for a in decp_report["anomalies"] if a["champ"] == champ}
        registre_messages = {a["raison"].split(" : marché reconnu")[0] for a in registre_report["anomalies"]}
        assert decp_messages & registre_messages, (decp_messages, registre_messages)
        for name in ("lieu_code", "lieu_nom", "code_cpv", "duree_mois"):
            assert getattr(decp_marche, name) == getattr(registre_marche, name), name
        assert decp_marche.acheteur.siret == registre_marche.acheteur.siret


# --- Two imports of one file at once ------------------------------------------------------------------------

@pytest.fixture
def premier_import_en_cours(monkeypatch):
    """demarrer(importer, data, module, name): runs `importer` in a thread (its own database connection) that stops,
    lock held, in `module.name` until terminer() is called; terminer returns the thread's report."""
    import threading

    from django.db import connection

    started, release, resultats = threading.Event(), threading.Event(), {}

    def demarrer(importer, data, fichier, module, name):
        original = getattr(module, name)

        def lent(*args, **kwargs):
            started.set()
            release.wait(20)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, lent)

        def run():
            try:
                resultats["premier"] = importer(data=data, fichier=fichier)
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        assert started.wait(20)
        monkeypatch.setattr(module, name, original)
        return thread

    def terminer(thread):
        release.set()
        thread.join(30)
        return resultats["premier"]

    yield demarrer, terminer
    release.set()


def _postgresql_seulement():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("verrou consultatif : PostgreSQL (SQLite : verrou du processus, testé à part)")


@pytest.mark.django_db(transaction=True)
def test_the_second_import_of_a_file_being_imported_gets_a_clear_message(premier_import_en_cours, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.enums import Role
    from marches import services
    from marches.decp_services import MESSAGE_IMPORT_EN_COURS
    from tests.core.factories import UserFactory

    _postgresql_seulement()
    demarrer, terminer = premier_import_en_cours
    data = document(marche_v2())
    thread = demarrer(decp_importer, data, "a.json", services, "_decp_ecrire")
    second = decp_importer(data=data, fichier="a.json")
    assert second["refuse"] and second["texte_erreurs"] == [f"a.json : fichier : {MESSAGE_IMPORT_EN_COURS}"]
    # Through the page: the message, not a server error.
    client.force_login(UserFactory(role=Role.DCP))
    response = client.post("/marches/imports/decp/", {"fichier": SimpleUploadedFile("a.json", data)})
    response = client.post(response["Location"])  # confirmed from the preview while the first import runs
    assert response.status_code == 200 and "Un import de ce fichier est déjà en cours" in response.content.decode()
    assert not Marche.objects.exists()
    premier = terminer(thread)
    assert (premier["refuse"], premier["nb_crees"], Marche.objects.count()) == (False, 1, 1)
    # Once the first is over, the same file imports again (and changes nothing).
    assert decp_importer(data=data, fichier="a.json")["nb_inchanges"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_second_import_of_a_register_being_imported_gets_a_clear_message(premier_import_en_cours):
    from marches.decp_services import MESSAGE_IMPORT_EN_COURS

    _postgresql_seulement()
    demarrer, terminer = premier_import_en_cours
    data = _ligne_registre()
    thread = demarrer(registre_importer, data, "r.csv", register, "marche_trouver")
    second = registre_importer(data=data, fichier="r.csv")
    assert second["refuse"] and second["texte_erreurs"] == [f"r.csv : fichier : {MESSAGE_IMPORT_EN_COURS}"]
    assert not Marche.objects.exists()
    premier = terminer(thread)
    assert (premier["refuse"], premier["nb_crees"], Marche.objects.count()) == (False, 1, 1)


def test_the_lock_outside_postgresql_lets_one_import_of_a_file_run_at_a_time():
    from django.db import connection

    from marches.decp_services import import_verrou

    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL : verrou consultatif, testé avec deux connexions")
    with import_verrou(data=b"a") as premier, import_verrou(data=b"a") as second, import_verrou(data=b"b") as autre:
        assert (premier, second, autre) == (True, False, True)
    with import_verrou(data=b"a") as encore:
        assert encore
