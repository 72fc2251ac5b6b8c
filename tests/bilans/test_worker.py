import importlib

import pytest

from bilans.models import Bilan
from bilans.services import bilan_demander
from core.models import Tache
from tests.bilans.helpers import pdf_text
from tests.core.factories import UserFactory


@pytest.mark.worker
def test_a_real_worker_builds_the_bilan_pdf(celery_worker_process, jeu, settings, tmp_path):
    # The worker writes under the test settings' MEDIA_ROOT: read the file from there.
    settings.MEDIA_ROOT = importlib.import_module("config.settings.test").MEDIA_ROOT
    dcp = UserFactory(role="dcp", organisation=jeu.instance)
    bilan = bilan_demander(user=dcp, acheteur=jeu.instance, annee=2025)
    assert bilan.tache.etat == Tache.Etat.EN_ATTENTE

    def done():
        bilan.tache.refresh_from_db()
        return bilan.tache.est_finie

    celery_worker_process.wait_for(done, timeout=120)
    assert bilan.tache.etat == Tache.Etat.TERMINEE, bilan.tache.message
    bilan = Bilan.objects.get(pk=bilan.pk)
    try:
        content = bilan.fichier.read()
        text = pdf_text(content, tmp_path)
        assert "380 h d'insertion ont été réalisées en 2025" in text
        assert "Depuis 2024 : 730 h" in text
        assert "run_tache" in celery_worker_process.log()
    finally:
        bilan.fichier.delete(save=False)
