"""Large contracts' imports (DECP, register) run as a background job (marches.jobs) through the real path: upload ->
preview -> confirm -> job (eager Celery, run when the request's transaction commits) -> the job's page with its
progress. Same rows as the synchronous path; a refused file or a failure halfway writes nothing, and the page and
the job's message name file, row, column and reason."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from core import jobs
from core.enums import Role
from core.models import ImportJournal, Tache
from marches import services
from marches.models import Attribution, Entreprise, Marche, Modification
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.decp_samples import CONCESSION, document, marche_v2
from tests.marches.test_register import _csv, _line

pytestmark = pytest.mark.django_db
SEUIL = 1000


@pytest.fixture
def dcp(client):
    OrganisationFactory(instance=True)
    user = UserFactory(role=Role.DCP)
    client.force_login(user)
    return user


@pytest.fixture
def progressions(monkeypatch):
    """Every progress the job notes, in order (the real progression_noter still runs)."""
    notees = []
    vrai = jobs.progression_noter

    def noter(tache, **kw):
        vrai(tache, **kw)
        notees.append(jobs.progression_lire(tache))  # as the page reads it

    monkeypatch.setattr("marches.jobs.progression_noter", noter)
    return notees


def _importer(client, url, nom, contenu, capture):
    """Upload, preview, confirm (the job runs when the confirmation's transaction commits); the response."""
    response = client.post(reverse(url), {"fichier": SimpleUploadedFile(nom, contenu)})
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get(response["Location"]).status_code == 200  # the preview
    with capture(execute=True):
        return client.post(response["Location"])


def _suivi(page) -> str:
    """The status section of the job's page (the part its script refreshes)."""
    texte = page.content.decode()
    return re.search(r"<section[^>]*data-import-suivi.*?</section>", texte, re.S).group(0)


def _lignes():
    """What an import wrote, without ids nor timestamps: contracts, their companies and amendments, the journal
    and the history's reasons."""
    sans = {"id", "created_at", "updated_at", "acheteur_id", "famille_id", "direction_id"}
    marches = sorted(({k: v for k, v in m.items() if k not in sans} for m in Marche.objects.values()),
                     key=lambda m: (m["identifiant"], m["discriminant"]))
    return {
        "marches": marches,
        "attributions": sorted(Attribution.objects.values_list("marche__identifiant", "entreprise__siret", "role",
                                                               "montant_ht")),
        "modifications": sorted(Modification.objects.values_list("marche__identifiant", "numero", "montant_ht",
                                                                 "duree_mois")),
        "entreprises": sorted(Entreprise.objects.values_list("siret", "nom")),
        "journal": list(ImportJournal.objects.values_list("format", "fichier", "nb_lus", "nb_crees", "nb_modifies",
                                                          "nb_inchanges", "nb_anomalies")),
        "historique": sorted(Marche.history.values_list("identifiant", "history_type", "history_change_reason")),
    }


def _direct_puis_tache(client, settings, capture, url, nom, contenu):
    """The same file imported in the request (threshold above it), rolled back, then by a job: both writes."""
    assert len(contenu) > SEUIL
    settings.IMPORT_TACHE_SEUIL_OCTETS = 10 * len(contenu)
    point = transaction.savepoint()
    response = _importer(client, url, nom, contenu, capture)
    assert response["Location"] == reverse("marches:imports") and not Tache.objects.exists()
    direct = _lignes()
    transaction.savepoint_rollback(point)
    assert not Marche.objects.exists()
    settings.IMPORT_TACHE_SEUIL_OCTETS = SEUIL
    response = _importer(client, url, nom, contenu, capture)
    tache = Tache.objects.get()
    assert response["Location"] == reverse("marches:import_tache", kwargs={"pk": tache.pk})
    return direct, tache, response


def test_a_large_decp_file_is_written_by_a_job_with_its_progress_and_the_same_rows(
        client, dcp, settings, progressions, django_capture_on_commit_callbacks):
    contenu = document(*(marche_v2(id=f"2026J{i:03d}") for i in range(12)), concessions=[CONCESSION])
    direct, tache, response = _direct_puis_tache(client, settings, django_capture_on_commit_callbacks,
                                                 "marches:import_decp", "grand.json", contenu)
    assert (tache.etat, tache.demandee_par, tache.resultat["nb_crees"]) == (Tache.Etat.TERMINEE, dcp, 13), \
        tache.message
    assert _lignes() == direct  # the job wrote what the request writes
    assert not default_storage.exists(tache.parametres["path"])
    # Progress: every step of the DECP write, in order, then the end.
    assert [(p["etape"], p["pourcent"]) for p in progressions] == [
        ("Lecture du fichier", 0), ("Acheteurs et entreprises", 20), ("Contrats", 40),
        ("Titulaires et modifications", 60), ("Historique et journal", 80), ("Validation de l'enregistrement", 100)]
    page = client.get(response["Location"])
    texte = _suivi(page)
    assert page.status_code == 200 and 'data-testid="termine"' in texte and "data-fini" in texte
    assert "« grand.json » importé : 13 enregistrements lus, 13 créés, 0 modifié, 0 inchangé" in texte, texte
    assert "l&#x27;import est lancé en tâche de fond" in page.content.decode()  # the confirmation's message
    journal = client.get(reverse("marches:imports")).content.decode()  # the job's page is found again there
    lien = re.search(r'<section[^>]*data-testid="imports-taches".*?</section>', journal, re.S).group(0)
    assert f'href="{response["Location"]}">grand.json</a>' in lien and "Terminée" in lien


def test_a_large_register_is_written_by_a_job_row_by_row_with_the_same_rows(
        client, dcp, settings, progressions, django_capture_on_commit_callbacks):
    contenu = _csv(*(_line(id=f"2026-R{i:03d}", objet=f"Entretien n° {i}") for i in range(60)))
    direct, tache, _ = _direct_puis_tache(client, settings, django_capture_on_commit_callbacks,
                                          "marches:import_registre", "registre.csv", contenu)
    assert (tache.etat, tache.resultat["nb_crees"]) == (Tache.Etat.TERMINEE, 60), tache.message
    assert _lignes() == direct
    lignes = [p for p in progressions if p["etape"] == "Enregistrement des lignes"]
    assert [p["fait"] for p in lignes] == list(range(0, 60, 1)) and {p["total"] for p in lignes} == {60}
    assert progressions[-1]["pourcent"] == 100


def test_the_page_shows_a_running_job_s_progress_and_a_waiting_one(client, dcp, settings):
    settings.IMPORT_TACHE_SEUIL_OCTETS = SEUIL
    contenu = _csv(*(_line(id=f"2026-W{i:03d}") for i in range(30)))
    response = client.post(reverse("marches:import_registre"), {"fichier": SimpleUploadedFile("r.csv", contenu)})
    response = client.post(response["Location"])  # confirmed; no commit callbacks here: the job waits
    tache = Tache.objects.get()
    url = reverse("marches:import_tache", kwargs={"pk": tache.pk})
    assert response["Location"] == url
    texte = client.get(url).content.decode()
    assert 'data-testid="attente"' in texte and "data-fini" not in texte and "En attente" in texte
    assert "import-suivi.js" in texte and "Actualiser" in texte
    Tache.objects.filter(pk=tache.pk).update(etat=Tache.Etat.EN_COURS)
    jobs.progression_noter(tache, fait=12, total=30, etape="Enregistrement des lignes")
    texte = client.get(url).content.decode()
    assert "Enregistrement des lignes : 40 % (12 sur 30)" in texte
    assert re.search(r'<progress[^>]* max="100" value="40"', texte) and 'role="status"' in texte
    assert not Marche.objects.exists()


def test_a_refused_large_file_writes_nothing_and_names_file_row_column_and_reason(
        client, dcp, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_TACHE_SEUIL_OCTETS = SEUIL
    lignes = [_line(id=f"2026-E{i:03d}") for i in range(30)]
    lignes[4] = _line(id="2026-E004", duree_mois="douze")  # row 6 of the file (the header is row 1)
    response = _importer(client, "marches:import_registre", "faux.csv", _csv(*lignes),
                         django_capture_on_commit_callbacks)
    tache = Tache.objects.get()
    assert tache.etat == Tache.Etat.ECHEC
    assert (Marche.objects.count(), Entreprise.objects.count(), ImportJournal.objects.count()) == (0, 0, 0)
    assert "1 erreur(s), rien n'a été enregistré : faux.csv : ligne 6, colonne « duree_mois »" in tache.message
    page = _suivi(client.get(response["Location"]))
    assert "Fichier refusé : rien n'a été enregistré." in page and "data-fini" in page, page
    tableau = re.search(r'<table[^>]*data-testid="erreurs".*?</table>', page, re.S).group(0)
    assert re.search(r"<td>ligne 6</td><td>[^<]*</td><td>duree_mois</td><td>[^<]*douze", tableau), tableau


def test_a_decp_file_refused_by_a_job_names_the_record_and_field(
        client, dcp, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_TACHE_SEUIL_OCTETS = SEUIL
    records = [marche_v2(id=f"2026K{i:03d}") for i in range(12)]
    records[2] = marche_v2(id="2026K002", dureeMois="douze")
    _importer(client, "marches:import_decp", "k.json", document(*records), django_capture_on_commit_callbacks)
    tache = Tache.objects.get()
    assert tache.etat == Tache.Etat.ECHEC and not Marche.objects.exists()
    assert ("k.json : contrat n° 3 (id « 2026K002 »), champ « dureeMois » : « douze » n'est pas un nombre"
            in tache.message)


def test_a_failure_halfway_through_the_job_writes_nothing(
        client, dcp, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.IMPORT_TACHE_SEUIL_OCTETS = SEUIL
    vrai, ecrites = services._registre_ligne_ecrire, []

    def panne(**kw):
        if len(ecrites) == 20:
            raise OSError("disque plein")
        ecrites.append(vrai(**kw))
        return ecrites[-1]

    monkeypatch.setattr(services, "_registre_ligne_ecrire", panne)
    response = _importer(client, "marches:import_registre", "r.csv",
                         _csv(*(_line(id=f"2026-H{i:03d}") for i in range(30))), django_capture_on_commit_callbacks)
    tache = Tache.objects.get()
    assert len(ecrites) == 20 and tache.etat == Tache.Etat.ECHEC and "disque plein" in tache.message
    assert (Marche.objects.count(), Entreprise.objects.count(), ImportJournal.objects.count()) == (0, 0, 0)
    assert not Marche.history.exists()
    assert default_storage.exists(tache.parametres["path"])  # kept: the import can be run again
    page = _suivi(client.get(response["Location"]))
    assert "L'import a échoué : rien n'a été enregistré." in page and "disque plein" in page, page


def test_only_the_requester_and_administrators_see_the_job(client, dcp):
    tache = Tache.objects.create(type="import_marches", demandee_par=dcp, parametres={"nom": "a.json",
                                                                                     "format": "decp"})
    url = reverse("marches:import_tache", kwargs={"pk": tache.pk})
    assert client.get(url).status_code == 200
    assert "imports-taches" in client.get(reverse("marches:imports")).content.decode()
    client.force_login(UserFactory(role=Role.DCP))
    assert client.get(url).status_code == 404
    assert "imports-taches" not in client.get(reverse("marches:imports")).content.decode()  # not theirs
    client.force_login(UserFactory(role=Role.ADMIN))
    assert client.get(url).status_code == 200
    autre = Tache.objects.create(type="verification_worker", demandee_par=dcp)  # not an import: not this page
    assert client.get(reverse("marches:import_tache", kwargs={"pk": autre.pk})).status_code == 404


@pytest.mark.parametrize("pk", ["abc", "-1", "0", "999999", "99999999999999999999", "\u0663"])
def test_a_missing_or_malformed_job_id_is_not_found(client, dcp, pk):
    Tache.objects.create(type="import_marches", demandee_par=dcp, parametres={"nom": "a.json", "format": "decp"})
    response = client.get(f"/marches/imports/taches/{pk}/")
    assert response.status_code == 404 and "Traceback" not in response.content.decode()


def test_a_job_with_unexpected_parameters_still_shows_its_page(client, dcp):
    """A job whose parameters lack the name or carry an unknown format (an older job, a hand-made row): its page
    answers, with the journal's link as the way back."""
    tache = Tache.objects.create(type="import_marches", demandee_par=dcp, parametres={"format": "inconnu"},
                                 etat=Tache.Etat.ECHEC, message="Format inconnu")
    page = client.get(reverse("marches:import_tache", kwargs={"pk": tache.pk}))
    assert page.status_code == 200
    assert f'class="breadcrumb-item"><a href="{reverse("marches:imports")}">Import</a>' in page.content.decode()
    assert "Format inconnu" in _suivi(page)
