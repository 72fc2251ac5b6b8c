"""An import that fails halfway through its writes (disk full, lost connection, a bug) writes nothing.

The failure is simulated inside the writes, after some rows are really in the database: the DECP import
(contracts written, the awards fail) and the hours import (new company and bulk-written hours written, the
amount-based rows fail). The tests run with real commits (transaction=True), on SQLite and PostgreSQL."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.jobs import job_run
from core.models import ImportJournal, Organisation, Tache
from facilitateurs.jobs import JOB_IMPORT
from facilitateurs.models import HeuresMensuelles
from marches import services as marches_services
from marches.models import Attribution, Entreprise, Marche
from marches.services import decp_importer
from tests.core.factories import OrganisationFactory, UserFactory, make_siret
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.decp_samples import document, marche_v2
from tests.marches.factories import EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db(transaction=True)


class PanneSimulee(Exception):
    pass


def test_decp_import_failing_halfway_writes_nothing(monkeypatch):
    organisations = Organisation.objects.count()
    written_before_failure = {}
    real_insert = marches_services._insert_rows

    def insert_then_fail(model, rows):
        if model is Attribution:  # the contracts (and their new companies) are already inserted
            written_before_failure["marches"] = Marche.objects.count()
            written_before_failure["entreprises"] = Entreprise.objects.count()
            raise PanneSimulee("disque plein")
        return real_insert(model, rows)

    monkeypatch.setattr(marches_services, "_insert_rows", insert_then_fail)
    data = document(
        marche_v2(id="2026T001", acheteur={"id": "21330063500017"}),
        marche_v2(
            id="2026T002", titulaires=[{"titulaire": {"typeIdentifiant": "SIRET", "id": "40483304800022"}}]
        ),
    )
    with pytest.raises(PanneSimulee):
        decp_importer(data=data, fichier="coupure.json", user=UserFactory(role="dcp"))

    assert written_before_failure == {"marches": 2, "entreprises": 2}  # the failure really was mid-write
    assert not Marche.objects.exists()
    assert not Entreprise.objects.exists() and not Attribution.objects.exists()
    assert Organisation.objects.count() == organisations  # the buyer created from its SIRET is gone too
    assert not Marche.history.exists() and not Organisation.history.filter(siret="21330063500017").exists()
    assert not ImportJournal.objects.exists()

    # The same file, once the fault is gone, imports in full.
    monkeypatch.setattr(marches_services, "_insert_rows", real_insert)
    report = decp_importer(data=data, fichier="coupure.json")
    assert (report["nb_crees"], Marche.objects.count(), Attribution.objects.count()) == (2, 2, 2)
    assert ImportJournal.objects.get().reussi


HEADER = (
    "acheteur_siret;marche_id;entreprise_siret;entreprise_nom;entreprise_code_postal;participant_code;"
    "mois;heures;modalite;type_contrat"
)


@pytest.fixture
def hours_file(tmp_path):
    acheteur = OrganisationFactory(instance=True)
    marche = MarcheFactory(acheteur=acheteur, identifiant="2025M1")
    connue = EntrepriseFactory()
    ParticipantFactory(code="A1")
    ParticipantFactory(code="A2")
    nouvelle = make_siret(77, "3")
    a, m = acheteur.siret, marche.identifiant
    lines = [
        HEADER,
        f"{a};{m};{connue.siret};;;A1;2026-01;35;EMBAUCHE_DIRECTE;CDD",
        f"{a};{m};{nouvelle};Nouvelle SARL;40100;A2;2026-01;70;EMBAUCHE_DIRECTE;CDD",
        f"{a};{m};{connue.siret};;;;2026-01;12;SOUS_TRAITANCE_SIAE;",  # no participant: saved row by row
    ]
    path = tmp_path / "heures.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def hours_save_fails(monkeypatch):
    """HeuresMensuelles.save raises: the rows without a participant come after the bulk write."""
    seen = {}

    def failing_save(self, *args, **kwargs):
        seen["heures_deja_ecrites"] = HeuresMensuelles.objects.count()
        seen["entreprise_creee"] = Entreprise.objects.filter(nom="Nouvelle SARL").exists()
        raise PanneSimulee("connexion perdue")

    monkeypatch.setattr(HeuresMensuelles, "save", failing_save)
    return seen


def test_hours_import_failing_halfway_writes_nothing(hours_file, hours_save_fails):
    from facilitateurs.imports import import_heures

    with pytest.raises(PanneSimulee):
        import_heures(str(hours_file), user=UserFactory(role="facilitateur"))

    assert hours_save_fails == {"heures_deja_ecrites": 2, "entreprise_creee": True}  # really mid-write
    assert not HeuresMensuelles.objects.exists()
    assert not Entreprise.objects.filter(nom="Nouvelle SARL").exists()
    assert not ImportJournal.objects.exists()


def test_hours_import_job_failing_halfway_shows_failed_and_writes_nothing(hours_file, hours_save_fails):
    """A large upload is imported by a job: the job says failed, with the reason; nothing is written and
    the uploaded file is kept (the import can be run again)."""
    stored = default_storage.save("imports/heures.csv", ContentFile(hours_file.read_bytes()))
    user = UserFactory(role="facilitateur")
    tache = Tache.objects.create(
        type=JOB_IMPORT, parametres={"type": "heures", "path": stored, "nom": "heures.csv"}, demandee_par=user
    )

    job_run(tache.pk)

    tache.refresh_from_db()
    assert tache.etat == Tache.Etat.ECHEC
    assert "connexion perdue" in tache.message
    assert not HeuresMensuelles.objects.exists()
    assert not Entreprise.objects.filter(nom="Nouvelle SARL").exists()
    assert not ImportJournal.objects.exists()
    assert default_storage.exists(stored)
