"""Pruning the files of superseded bilans runs once a new PDF is committed: it is housekeeping, so its failure (a
file the storage cannot delete) is logged and never turns the bilan just produced into a failed one."""

import pytest

from bilans import services
from bilans.models import Bilan
from core.enums import Role
from core.models import Tache
from tests.core.factories import OrganisationFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_failed_pruning_leaves_the_new_bilan_produced(monkeypatch, settings, tmp_path, caplog):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "bilan_pdf", lambda **kwargs: b"%PDF-1.7 nouveau")

    def panne(**kwargs):
        raise OSError("stockage en lecture seule")

    monkeypatch.setattr(services, "bilans_remplaces_purger", panne)
    instance = OrganisationFactory(instance=True)
    dcp = UserFactory(role=Role.DCP, organisation=instance)
    bilan = services.bilan_demander(user=dcp, acheteur=instance, annee=2025)  # the job runs at the commit (eager)
    bilan = Bilan.objects.select_related("tache").get(pk=bilan.pk)
    assert bilan.tache.etat == Tache.Etat.TERMINEE, bilan.tache.message
    assert bilan.fichier and bilan.generated_at
    assert "stockage en lecture seule" in caplog.text  # logged for the administrators
