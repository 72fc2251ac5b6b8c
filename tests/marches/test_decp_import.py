import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.enums import Role
from core.models import ImportJournal, Organisation
from marches import decp
from marches.enums import Categorie, StatutConformite
from marches.models import Attribution, Entreprise, Marche, Modification
from marches.services import decp_importer
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.decp_samples import CONCESSION, XML_BOMB, XML_V2, document, marche_v2

pytestmark = pytest.mark.django_db
# CI keeps a read-only copy of shared/ beside the clone; without it the tests on real files are skipped.
DECP_DIR = Path(settings.BASE_DIR).resolve().parent / "shared" / "decp"
V1 = DECP_DIR / "real-v1-ville-de-croix-2019-2021.json"
V2 = DECP_DIR / "real-v2-megalis-2024.json"
reels = pytest.mark.skipif(not (V1.exists() and V2.exists()), reason="fichiers DECP réels absents (../shared/decp)")


def _import(path):
    return decp_importer(data=path.read_bytes(), fichier=path.name)


def _messages(report, champ=None):
    return [a["message"] for a in report["anomalies"] if champ is None or a["champ"] == champ]


@reels
def test_real_v1_file_imports_leniently_with_anomalies_reported():
    report = _import(V1)
    assert not report["refuse"]
    assert (report["nb_lus"], report["nb_crees"], report["nb_doublons"]) == (159, 158, 1)
    assert Marche.objects.filter(acheteur__siret="21590163800019").count() == 158
    assert Organisation.objects.get(siret="21590163800019").nom == "Ville de Croix (59)"  # unknown buyer created
    # One id for three different contracts: kept apart, reported.
    assert Marche.objects.filter(identifiant="202117F000000000").count() == 3
    assert any("partagé par 3 contrats" in m for m in _messages(report, "id"))
    # Empty ids: 33 different contracts, kept apart.
    assert Marche.objects.filter(acheteur__siret="21590163800019", identifiant="").count() == 33
    assert any("nombre écrit comme du texte" in m for m in _messages(report, "montant"))
    assert any("lu comme « Appel d'offres ouvert »" in m for m in _messages(report, "procedure"))
    # An invalid SIRET of a published awardee is kept and reported.
    assert Entreprise.objects.filter(siret="69300109100091810330").exists()
    assert any("SIRET invalide" in m for m in _messages(report, "titulaires"))
    assert report["nb_anomalies"] > 1000
    journal = ImportJournal.objects.get()
    assert (journal.nb_lus, journal.nb_crees, journal.fichier) == (159, 158, V1.name)


@reels
def test_real_v1_amendment_updates_amount_and_duration():
    _import(V1)
    marche = Marche.objects.get(identifiant="202112000000000T")
    assert (marche.montant_initial_ht, marche.montant_ht) == (Decimal("32691.29"), Decimal("31367.57"))
    assert (marche.duree_initiale_mois, marche.duree_mois) == (4, 1)
    assert marche.modifications.count() == 1
    assert marche.types_prix == ["Définitif ferme"]


@reels
def test_real_v2_file_imports_with_extra_keys_and_empty_arrays_reported():
    report = _import(V2)
    assert not report["refuse"]
    assert report["nb_crees"] == 5
    assert Marche.objects.filter(acheteur__siret="59920013600241").count() >= 1
    assert "liste vide ignorée" in _messages(report, "modifications")
    assert "clé inconnue ignorée" in _messages(report, "_type")
    marche = Marche.objects.get(identifiant="H9O2024T0000256")
    assert marche.attributions.filter(role="sous_traitant").count() == 1
    assert marche.offres_recues == 11


@reels
def test_reimporting_the_same_files_changes_nothing():
    _import(V1)
    _import(V2)
    before = list(Marche.objects.order_by("pk").values_list("pk", "updated_at", "montant_ht", "discriminant"))
    counts = (Entreprise.objects.count(), Attribution.objects.count(), Modification.objects.count())
    report = _import(V1)
    assert (report["nb_crees"], report["nb_modifies"], report["nb_inchanges"]) == (0, 0, 158)
    _import(V2)
    assert list(Marche.objects.order_by("pk").values_list("pk", "updated_at", "montant_ht", "discriminant")) == before
    assert (Entreprise.objects.count(), Attribution.objects.count(), Modification.objects.count()) == counts


def test_a_republished_contract_is_updated_not_duplicated():
    decp_importer(data=document(marche_v2()), fichier="a.json")
    amended = marche_v2(modifications=[{"modification": {
        "id": 1, "dateNotificationModification": "2026-05-01", "datePublicationDonneesModification": "2026-05-03",
        "montant": 910000, "dureeMois": 15}}])
    report = decp_importer(data=document(amended), fichier="b.json")
    assert (report["nb_crees"], report["nb_modifies"]) == (0, 1)
    marche = Marche.objects.get()
    assert (marche.montant_ht, marche.duree_mois, marche.montant_initial_ht) == (Decimal("910000"), 15,
                                                                                 Decimal("850000"))
    assert marche.attributions.count() == 1


def test_contracts_written_in_bulk_have_their_history_who_when_why():
    user = UserFactory(role=Role.DCP)
    decp_importer(data=document(marche_v2()), fichier="a.json", user=user)
    amended = marche_v2(montant=910000)
    decp_importer(data=document(amended), fichier="b.json", user=user)
    marche = Marche.objects.get()
    rows = list(marche.history.order_by("history_id").values_list("history_type", "history_user", "montant_ht",
                                                                   "history_change_reason"))
    assert rows == [("+", user.pk, Decimal("850000"), "Import DECP a.json"),
                    ("~", user.pk, Decimal("910000"), "Import DECP b.json")]


def test_v2_fields_considerations_and_compliance():
    decp_importer(data=document(marche_v2(dateNotification="2026-09-15")), fichier="a.json")
    marche = Marche.objects.get()
    assert marche.clause_sociale and marche.critere_environnemental and not marche.clause_environnementale
    assert marche.statut_conformite == StatutConformite.NON_CONFORME  # notified after 21/08/2026, no env. clause
    assert marche.origine == "decp" and marche.code_cpv == "45233140"


def test_loose_values_are_normalised_and_reported():
    loose = marche_v2(procedure="APPEL D'OFFRES OUVERT", montant="850 000,00", marcheInnovant="false",
                      considerationsSociales={"considerationSociale": ["clause sociale"]})
    report = decp_importer(data=document(loose), fichier="loose.json")
    assert not report["refuse"]
    marche = Marche.objects.get()
    assert marche.procedure == "Appel d'offres ouvert" and marche.montant_ht == Decimal("850000.00")
    assert marche.clause_sociale
    assert {a["champ"] for a in report["anomalies"]} >= {"procedure", "montant", "marcheInnovant",
                                                         "considerationsSociales"}


def test_identical_records_are_one_and_different_records_with_one_id_are_kept_apart():
    a, b = marche_v2(), marche_v2(objet="Lot 2 : signalisation", montant=120000)
    report = decp_importer(data=document(a, a, b), fichier="dup.json")
    assert (report["nb_doublons"], report["nb_crees"]) == (1, 2)
    assert Marche.objects.filter(identifiant="2026T001").count() == 2
    assert len(set(Marche.objects.values_list("discriminant", flat=True))) == 2


def test_concessions_are_kept():
    report = decp_importer(data=document(marche_v2(), concessions=[CONCESSION]), fichier="c.json")
    assert report["nb_crees"] == 2
    concession = Marche.objects.get(categorie=Categorie.CONCESSION)
    assert concession.nature == "Délégation de service public"
    assert concession.montant_ht == Decimal("12000000") and concession.date_notification == datetime.date(2025, 6, 1)
    assert concession.attributions.get().entreprise.siret == "73282932000074"


def test_xml_v2_is_read():
    report = decp_importer(data=XML_V2.encode(), fichier="decp.xml")
    assert not report["refuse"], report["texte_erreurs"]
    marche = Marche.objects.get(identifiant="2026X01")
    assert marche.montant_ht == Decimal("195000") and marche.montant_initial_ht == Decimal("180000.50")
    assert marche.duree_mois == 40 and marche.techniques == ["Accord-cadre"]
    assert marche.marche_reserve and marche.clause_environnementale and marche.critere_environnemental
    assert marche.attributions.count() == 2
    assert not any("texte" in a["message"] for a in report["anomalies"])  # XML text is its normal form


def test_xml_entity_expansion_is_refused():
    report = decp_importer(data=XML_BOMB.encode(), fichier="bomb.xml")
    assert report["refuse"] and not Marche.objects.exists()


def test_a_file_with_one_unreadable_contract_is_refused_and_writes_nothing():
    organisations = Organisation.objects.count()
    bad = marche_v2(id="2026T002", acheteur={"id": "21330063500017"}, montant="beaucoup")
    good = marche_v2(titulaires=[{"titulaire": {"typeIdentifiant": "SIRET", "id": "40483304800022"}}])
    report = decp_importer(data=document(good, bad), fichier="casse.json")
    assert report["refuse"]
    assert report["erreurs"] == [{"fichier": "casse.json", "ligne": None, "colonne": "montant", "nature": "erreur",
                                  "raison": "« beaucoup » n'est pas un nombre", "index": 1, "id": "2026T002",
                                  "lieu": "contrat n° 2", "champ": "montant",
                                  "message": "« beaucoup » n'est pas un nombre"}]
    assert report["texte_erreurs"] == [
        "casse.json : contrat n° 2 (id « 2026T002 »), champ « montant » : « beaucoup » n'est pas un nombre"]
    assert "casse.json : contrat n° 2 (id « 2026T002 »), champ « montant »" in report["texte_erreurs"][0]
    assert not Marche.objects.exists() and not Entreprise.objects.exists()
    assert Organisation.objects.count() == organisations and not ImportJournal.objects.exists()


@pytest.mark.parametrize("content", [b"{not json", b'{"autre": []}', b"<marches><marche>", b'{"marches": 3}'])
def test_unreadable_files_are_refused(content):
    report = decp_importer(data=content, fichier="x")
    assert report["refuse"] and report["erreurs"]


def test_command_imports_and_fails_on_refusal(tmp_path, capsys):
    good = tmp_path / "bon.json"
    good.write_bytes(document(marche_v2()))
    bad = tmp_path / "mauvais.json"
    bad.write_bytes(document(marche_v2(dateNotification="hier")))
    with pytest.raises(CommandError):
        call_command("import_decp", str(good), str(bad))
    assert Marche.objects.count() == 1  # the good file is imported, the bad one refused
    assert "dateNotification" in capsys.readouterr().err


@reels
def test_upload_page(client):
    OrganisationFactory(instance=True)
    client.force_login(UserFactory(role=Role.DCP))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("marches:import_decp"),
                           {"fichier": SimpleUploadedFile("croix.json", V1.read_bytes())}, follow=True)
    assert response.status_code == 200 and response.context["report"]["nb_lus"] >= 158
    assert not Marche.objects.exists()  # previewed only
    response = client.post(response.redirect_chain[-1][0], follow=True)  # confirmed
    assert client.get(reverse("marches:imports")).context["imports"][0].nb_crees == 158
    response = client.post(reverse("marches:import_decp"),
                           {"fichier": SimpleUploadedFile("casse.json", b'{"marches": 3}')}, follow=True)
    assert "rien n'a été enregistré" in response.content.decode()


def test_a_large_upload_is_imported_by_a_background_job(client, settings, django_capture_on_commit_callbacks):
    """Upload -> preview -> confirm; the confirmed write runs in the request for a small file, in a background job
    above IMPORT_TACHE_SEUIL_OCTETS (the one policy, core.imports.mode_import)."""
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import Tache

    OrganisationFactory(instance=True)
    user = UserFactory(role=Role.DCP)
    client.force_login(user)
    settings.IMPORT_TACHE_SEUIL_OCTETS = 1000

    def confirmer(nom, contenu):
        response = client.post(reverse("marches:import_decp"), {"fichier": SimpleUploadedFile(nom, contenu)})
        assert response.status_code == 302  # to the preview
        return client.post(response["Location"])

    small = document(marche_v2())
    assert len(small) <= 1000
    response = confirmer("petit.json", small)
    assert response.status_code == 302 and response["Location"] == reverse("marches:imports")
    assert Marche.objects.count() == 1 and not Tache.objects.exists()
    grand = document(*(marche_v2(id=f"2026G{i:03d}") for i in range(12)))
    assert len(grand) > 1000
    with django_capture_on_commit_callbacks(execute=True):
        response = confirmer("grand.json", grand)
    tache = Tache.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("marches:import_tache",
                                                                            kwargs={"pk": tache.pk})
    assert (tache.type, tache.etat, tache.demandee_par, tache.resultat["nb_crees"]) == (
        "import_marches", Tache.Etat.TERMINEE, user, 12), tache.message
    assert not default_storage.exists(tache.parametres["path"])  # removed once imported
    assert [(j.fichier, j.user) for j in ImportJournal.objects.order_by("created_at")] == [
        ("petit.json", user), ("grand.json", user)]


def test_parse_is_pure_and_reports_location():
    result = decp.parse_bytes(document(marche_v2(dureeMois="douze")), "f.json")
    assert [str(e) for e in result.erreurs] == [
        "f.json : contrat n° 1 (id « 2026T001 »), champ « dureeMois » : « douze » n'est pas un nombre"]


@pytest.mark.parametrize("field,value", [("nature", {"x": 1}), ("formePrix", ["Unitaire"]), ("procedure", 12),
                                         ("considerationsSociales", {"considerationSociale": [{"a": 1}]}),
                                         ("titulaires", "73282932000074"), ("montant", True)])
def test_odd_structures_never_crash(field, value):
    report = decp_importer(data=document(marche_v2(**{field: value})), fichier="odd.json")
    assert isinstance(report["refuse"], bool)


def test_the_import_runs_with_the_cycle_collector_paused_and_gives_it_back():
    """decp_importer pauses Python's cycle collector (core.utils.sans_ramasse_miettes: a large file's import
    20-25 % faster); it is on again after the import, written or refused."""
    import gc

    vu = []
    report = decp_importer(data=document(marche_v2()), fichier="f.json",
                           progression=lambda fait, total, etape: vu.append(gc.isenabled()))
    assert not report["refuse"] and report["nb_crees"] == 1
    assert vu and not any(vu)
    assert gc.isenabled()
    assert decp_importer(data=b"{pas du json", fichier="f.json")["refuse"]
    assert gc.isenabled()


def test_long_values_are_normalised_and_escaped_without_being_kept_in_memory():
    """The import caches the normalisation of short labels and the escaping of repeated sentences; a long value of
    a hostile file is worked out the same way but not kept in the worker's memory after the import."""
    from core.imports import _echappe, lisible

    long_label = "Appel d’offres OUVERT " * 50
    decp._cle.cache_clear()  # a full cache (4,096 labels of earlier tests) would not grow
    avant = decp._cle.cache_info().currsize
    assert decp._key(long_label) == "appeldoffresouvert" * 50
    assert decp._cle.cache_info().currsize == avant
    assert decp._key("Appel d’offres OUVERT, lot témoin") == "appeldoffresouvertlottemoin"
    assert decp._cle.cache_info().currsize == avant + 1  # a short label is kept, worked out once per file
    long_message = "valeur inconnue « é\x00 »" * 100
    avant = _echappe.cache_info().currsize
    assert lisible(long_message) == long_message.replace("\x00", "\\x00")
    assert _echappe.cache_info().currsize == avant
