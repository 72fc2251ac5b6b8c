"""The DECP and register imports' journal moves to core.ImportJournal (one journal for every import): each row is
copied with its author, date and report, then the table is dropped. Reversible (the rows go back)."""

from django.db import migrations

CHAMPS = ("format", "fichier", "user_id", "created_at", "reussi", "nb_lus", "nb_crees", "nb_modifies", "nb_inchanges",
          "nb_anomalies", "rapport")


def vers_core(apps, schema_editor):
    ancien, nouveau = apps.get_model("marches", "ImportJournal"), apps.get_model("core", "ImportJournal")
    nouveau.objects.bulk_create(
        [nouveau(**{c: getattr(j, c) for c in CHAMPS}) for j in ancien.objects.order_by("created_at", "pk")],
        batch_size=1000)


def depuis_core(apps, schema_editor):
    ancien, nouveau = apps.get_model("marches", "ImportJournal"), apps.get_model("core", "ImportJournal")
    journaux = list(nouveau.objects.filter(format__in=("decp", "registre")).order_by("created_at", "pk"))
    for j in journaux:
        copie = ancien.objects.create(**{c: getattr(j, c) for c in CHAMPS})
        ancien.objects.filter(pk=copie.pk).update(created_at=j.created_at)  # auto_now_add on the old model
    nouveau.objects.filter(pk__in=[j.pk for j in journaux]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_import_journal"),
        ("marches", "0011_decp_id_unique"),
    ]

    operations = [
        migrations.RunPython(vers_core, depuis_core),
        migrations.DeleteModel(name="ImportJournal"),
    ]
