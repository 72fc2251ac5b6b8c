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
