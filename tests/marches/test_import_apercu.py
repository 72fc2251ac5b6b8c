"""DECP and register imports: upload -> preview (nothing written) -> confirm (written in the request, or by a
background job above IMPORT_TACHE_SEUIL_OCTETS), the policy of every import (core.imports)."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.enums import Role
from core.models import ImportJournal, Tache
from marches.models import Marche
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.decp_samples import document, marche_v2
from tests.marches.test_register import _csv, _line

pytestmark = pytest.mark.django_db


def _televerser(client, url, nom, contenu):
    response = client.post(reverse(url), {"fichier": SimpleUploadedFile(nom, contenu)})
    assert response.status_code == 302, response.content.decode()[:500]
    token = re.fullmatch(r"/marches/imports/apercu/(\w+)/", response["Location"]).group(1)
    return token, client.get(response["Location"])


def _dcp(client):
    OrganisationFactory(instance=True)
    user = UserFactory(role=Role.DCP)
    client.force_login(user)
    return user


def _confirmer(client, token):
    return client.post(reverse("marches:import_apercu", kwargs={"token": token}))


def test_a_decp_upload_is_previewed_without_writing_then_confirmed(client):
    user = _dcp(client)
    token, apercu = _televerser(client, "marches:import_decp", "a.json",
                                document(marche_v2(id="2026A001"), marche_v2(id="2026A002")))
    page = apercu.content.decode()
    assert apercu.status_code == 200 and "a.json" in page
    report = apercu.context["report"]
    assert (report["refuse"], report["nb_lus"]) == (False, 2)
    assert 'data-testid="confirmer"' in page and "Confirmer l'import" in page
    assert (Marche.objects.count(), ImportJournal.objects.count()) == (0, 0)  # nothing written yet
    path = client.session["imports_en_attente"][token]["path"]
    assert default_storage.exists(path)

    response = _confirmer(client, token)
    assert response.status_code == 302 and response["Location"] == reverse("marches:imports")
    assert Marche.objects.count() == 2
    assert [(j.fichier, j.user, j.nb_crees) for j in ImportJournal.objects.all()] == [("a.json", user, 2)]
    assert not default_storage.exists(path)  # removed once imported
    # Confirmed once: the same token again is unknown, nothing imported twice.
    assert _confirmer(client, token).status_code == 404
    assert ImportJournal.objects.count() == 1


def test_preview_reports_anomalies_kept(client):
    _dcp(client)
    v2 = marche_v2(id="2026A003")
    v2["montant"] = "1 200,50"
    _, apercu = _televerser(client, "marches:import_decp", "anomalie.json", document(v2))
    report = apercu.context["report"]
    assert not report["refuse"] and report["nb_anomalies"] >= 1
    assert 'data-testid="anomalies"' in apercu.content.decode()


def test_a_refused_file_shows_its_errors_and_no_confirm_button(client):
    _dcp(client)
    token, apercu = _televerser(client, "marches:import_decp", "casse.json", b'{"marches": 3}')
    page = apercu.content.decode()
    assert apercu.context["report"]["refuse"] and apercu.context["report"]["erreurs"]
    assert 'data-testid="erreurs"' in page and "rien n'a été enregistré" in page
    assert 'data-testid="confirmer"' not in page and "Confirmer l'import" not in page
    assert (Marche.objects.count(), ImportJournal.objects.count()) == (0, 0)


def test_a_register_is_previewed_then_confirmed(client):
    _dcp(client)
    token, apercu = _televerser(client, "marches:import_registre", "r.csv", _csv(_line()))
    assert (apercu.context["report"]["refuse"], apercu.context["report"]["nb_lus"]) == (False, 1)
    assert 'data-testid="confirmer"' in apercu.content.decode()
    assert (Marche.objects.count(), ImportJournal.objects.count()) == (0, 0)
    assert _confirmer(client, token).status_code == 302
    assert Marche.objects.filter(identifiant="2026-0001").count() == 1
    assert ImportJournal.objects.get().format == ImportJournal.Format.REGISTRE


def test_a_register_failing_its_reference_checks_is_refused_at_preview(client):
    _dcp(client)
    _, apercu = _televerser(client, "marches:import_registre", "r.csv", _csv(_line(famille="Famille inconnue")))
    report = apercu.context["report"]
    assert report["refuse"] and any("famille d'achat inconnue" in e.raison for e in report["erreurs"])
    assert 'data-testid="confirmer"' not in apercu.content.decode()


def test_another_users_token_is_refused(client):
    _dcp(client)
    token, _ = _televerser(client, "marches:import_decp", "a.json", document(marche_v2()))
    client.force_login(UserFactory(role=Role.DCP))  # another uploader: the token is not theirs
    url = reverse("marches:import_apercu", kwargs={"token": token})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert (Marche.objects.count(), ImportJournal.objects.count()) == (0, 0)


def test_an_expired_file_gives_a_clear_message(client):
    _dcp(client)
    token, _ = _televerser(client, "marches:import_decp", "a.json", document(marche_v2()))
    default_storage.delete(client.session["imports_en_attente"][token]["path"])  # purged after a day
    response = _confirmer(client, token)
    assert response.status_code == 302 and response["Location"] == reverse("marches:imports")
    page = client.get(response["Location"]).content.decode()
    assert "n&#x27;est plus disponible" in page
    assert not Marche.objects.exists()


def test_a_large_confirmed_file_is_imported_by_a_background_job(client, settings,
                                                                 django_capture_on_commit_callbacks):
    user = _dcp(client)
    settings.IMPORT_TACHE_SEUIL_OCTETS = 1000
    grand = document(*(marche_v2(id=f"2026G{i:03d}") for i in range(12)))
    assert len(grand) > 1000
    token, apercu = _televerser(client, "marches:import_decp", "grand.json", grand)
    assert apercu.context["report"]["nb_lus"] == 12 and not Tache.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirmer(client, token)
    tache = Tache.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("marches:import_tache",
                                                                            kwargs={"pk": tache.pk})
    assert (tache.type, tache.etat, tache.demandee_par, tache.resultat["nb_crees"]) == (
        "import_marches", Tache.Etat.TERMINEE, user, 12), tache.message
    assert not default_storage.exists(tache.parametres["path"])
    assert [(j.fichier, j.user) for j in ImportJournal.objects.all()] == [("grand.json", user)]


@pytest.mark.parametrize("garbage", ["inconnu", "0" * 32, "<script>", "é' OR 1=1"])
def test_a_garbage_token_is_not_found_and_the_pending_upload_is_kept(client, garbage):
    _dcp(client)
    token, _ = _televerser(client, "marches:import_decp", "a.json", document(marche_v2()))
    url = reverse("marches:import_apercu", kwargs={"token": garbage})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert (Marche.objects.count(), ImportJournal.objects.count()) == (0, 0)
    assert list(client.session["imports_en_attente"]) == [token]
    assert _confirmer(client, token).status_code == 302 and Marche.objects.count() == 1


def test_reloading_the_preview_does_not_parse_the_file_again(client, monkeypatch):
    from marches import decp

    _dcp(client)
    appels = []
    vrai = decp.parse_bytes
    monkeypatch.setattr(decp, "parse_bytes", lambda *a, **k: appels.append(1) or vrai(*a, **k))
    token, apercu = _televerser(client, "marches:import_decp", "a.json", document(marche_v2(id="2026A001")))
    url = reverse("marches:import_apercu", kwargs={"token": token})
    assert client.get(url).context["report"] == apercu.context["report"]
    client.get(url)
    assert len(appels) == 1  # the preview is kept (core.imports.apercu_lire), as the facilitators' is
    assert _confirmer(client, token).status_code == 302 and Marche.objects.count() == 1
