import os
import stat

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from core.models import Organisation
from tests.core.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

APPS = ["core", "marches", "clauses", "facilitateurs", "bilans", "spaser"]


def figures():
    """Row counts of every business table, and the organisations themselves."""
    counts = {
        f"{m._meta.label}": m.objects.count()
        for label in APPS for m in apps.get_app_config(label).get_models()
    }
    counts["organisations"] = sorted(Organisation.objects.values_list("siret", "nom"))
    return counts


def test_a_backup_restores_to_identical_figures(tmp_path):
    from tests.marches.factories import MarcheFactory

    OrganisationFactory.create_batch(3)
    UserFactory.create_batch(2)
    MarcheFactory.create_batch(4)
    before = figures()
    dump = tmp_path / "sauvegarde.dump"
    call_command("sauvegarder", output=str(dump))
    assert dump.stat().st_size > 0

    Organisation.objects.filter(marches__isnull=True).delete()
    OrganisationFactory(nom="Créée après la sauvegarde")
    assert figures() != before

    call_command("restaurer", str(dump), oui=True)
    assert figures() == before


def test_restoring_an_unreadable_file_changes_nothing(tmp_path):
    OrganisationFactory.create_batch(2)
    before = figures()
    broken = tmp_path / "pas-une-sauvegarde.dump"
    broken.write_bytes(b"ceci n'est pas une sauvegarde")
    with pytest.raises(CommandError):
        call_command("restaurer", str(broken), oui=True)
    assert figures() == before


@pytest.fixture
def umask_permissif():
    """The usual umask (022): without care a new file is readable by everyone."""
    ancien = os.umask(0o022)
    yield
    os.umask(ancien)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_is_readable_by_its_owner_only_in_an_owner_only_folder(tmp_path, umask_permissif):
    OrganisationFactory.create_batch(2)
    dump = tmp_path / "nouveau" / "dossier" / "sauvegarde.dump"
    call_command("sauvegarder", output=str(dump))
    assert dump.stat().st_size > 0
    assert _mode(dump) == 0o600
    assert _mode(dump.parent) == 0o700
    assert _mode(dump.parent.parent) == 0o700


def test_overwriting_an_older_readable_backup_makes_it_owner_only(tmp_path, umask_permissif):
    dump = tmp_path / "sauvegarde.dump"
    dump.write_bytes(b"ancienne sauvegarde")
    dump.chmod(0o644)
    call_command("sauvegarder", output=str(dump))
    assert _mode(dump) == 0o600
    assert dump.read_bytes() != b"ancienne sauvegarde"


def test_the_default_backup_folder_is_tightened_to_owner_only(tmp_path, settings, umask_permissif):
    settings.VAR_DIR = tmp_path
    dossier = tmp_path / "sauvegardes"
    dossier.mkdir(mode=0o755)
    dossier.chmod(0o755)
    call_command("sauvegarder")
    [dump] = dossier.iterdir()
    assert _mode(dossier) == 0o700
    assert _mode(dump) == 0o600
