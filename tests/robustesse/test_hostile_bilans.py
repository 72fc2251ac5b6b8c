"""Bilans cannot exhaust the workers nor the disk: a user's requests are throttled (settings.BILANS_DEMANDES_PAR_
MINUTE a minute), and the files of superseded bilans are deleted by one rule (bilans.services.
bilans_remplaces_purger: per perimeter, the newest FICHIERS_CONSERVES PDFs kept), run once a new PDF is ready."""

import datetime
import html

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from bilans import services
from bilans.models import Bilan
from tests.core.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_asking_too_many_bilans_in_a_minute_is_refused_in_french(client, settings):
    settings.BILANS_DEMANDES_PAR_MINUTE = 3
    instance = OrganisationFactory(instance=True)
    dcp = UserFactory(role="dcp", organisation=instance)
    client.force_login(dcp)
    url = reverse("bilans:bilan_demander")
    for _ in range(3):
        assert client.post(url, {"annee": 2025, "acheteur": instance.pk}).status_code == 302
    assert Bilan.objects.filter(demande_par=dcp).count() == 3
    response = client.post(url, {"annee": 2025, "acheteur": instance.pk}, follow=True)
    assert Bilan.objects.filter(demande_par=dcp).count() == 3  # nothing queued
    assert "Vous avez demandé 3 bilans dans la dernière minute" in html.unescape(response.content.decode())
    regenerer = reverse("bilans:bilan_regenerer", kwargs={"pk": Bilan.objects.filter(demande_par=dcp).first().pk})
    client.post(regenerer)
    assert Bilan.objects.filter(demande_par=dcp).count() == 3
    # Another user is not held back; the same user may ask again a minute later.
    autre = UserFactory(role="dcp", organisation=instance)
    client.force_login(autre)
    assert client.post(url, {"annee": 2025, "acheteur": instance.pk}).status_code == 302
    assert Bilan.objects.filter(demande_par=autre).count() == 1
    Bilan.objects.filter(demande_par=dcp).update(created_at=timezone.now() - datetime.timedelta(seconds=61))
    client.force_login(dcp)
    client.post(url, {"annee": 2025, "acheteur": instance.pk})
    assert Bilan.objects.filter(demande_par=dcp).count() == 4


def _bilan_produit(acheteur, annee, age_jours, **perimetre):
    bilan = Bilan.objects.create(acheteur=acheteur, annee=annee, **perimetre)
    bilan.fichier.save(f"{bilan.pk}-bilan.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    bilan.generated_at = timezone.now() - datetime.timedelta(days=age_jours)
    bilan.save()
    return bilan


def test_files_of_superseded_bilans_are_deleted_by_the_rule():
    instance, autre = OrganisationFactory(instance=True), OrganisationFactory(partenaire=True)
    vieux, ancien, recent = (_bilan_produit(instance, 2025, age) for age in (30, 20, 10))
    autre_annee = _bilan_produit(instance, 2024, 40)
    autre_acheteur = _bilan_produit(autre, 2025, 50)
    vieux_chemin = vieux.fichier.path
    assert services.bilans_remplaces_purger() == 1
    vieux.refresh_from_db()
    assert not vieux.fichier and vieux.generated_at  # the row and its history stay, the file goes
    import os

    assert not os.path.exists(vieux_chemin)
    for bilan in (ancien, recent, autre_annee, autre_acheteur):
        bilan.refresh_from_db()
        assert bilan.fichier and os.path.exists(bilan.fichier.path), bilan
    assert vieux.history.first().history_change_reason == "Fichier d'un bilan remplacé supprimé"


def test_a_new_pdf_prunes_its_perimeters_older_files(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "bilan_pdf", lambda **kwargs: b"%PDF-1.7 nouveau")
    instance = OrganisationFactory(instance=True)
    vieux, ancien = _bilan_produit(instance, 2025, 30), _bilan_produit(instance, 2025, 20)
    nouveau = Bilan.objects.create(acheteur=instance, annee=2025)
    with django_capture_on_commit_callbacks(execute=True):
        services.bilan_generer(bilan=nouveau)
    vieux.refresh_from_db(), ancien.refresh_from_db(), nouveau.refresh_from_db()
    assert not vieux.fichier and ancien.fichier and nouveau.fichier
