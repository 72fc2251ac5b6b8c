"""The participants' and hours' import journal (and purges) moves to core.ImportJournal (one journal for every
import): each row is copied with its author and date (lines -> nb_lus, updated -> nb_modifies, details ->
rapport), then the table is dropped. Reversible (the rows go back)."""

from django.db import migrations

FORMATS = ("participants", "heures", "purge")


def vers_core(apps, schema_editor):
    ancien, nouveau = apps.get_model("facilitateurs", "JournalImport"), apps.get_model("core", "ImportJournal")
    nouveau.objects.bulk_create([
        nouveau(format=j.type, fichier=j.fichier, user_id=j.user_id, created_at=j.created_at, nb_lus=j.nb_lignes,
                nb_crees=j.nb_crees, nb_modifies=j.nb_mis_a_jour, rapport=j.details)
        for j in ancien.objects.order_by("created_at", "pk")], batch_size=1000)


def depuis_core(apps, schema_editor):
    ancien, nouveau = apps.get_model("facilitateurs", "JournalImport"), apps.get_model("core", "ImportJournal")
    journaux = list(nouveau.objects.filter(format__in=FORMATS).order_by("created_at", "pk"))
    for j in journaux:
        copie = ancien.objects.create(type=j.format, fichier=j.fichier, user_id=j.user_id, nb_lignes=j.nb_lus,
                                      nb_crees=j.nb_crees, nb_mis_a_jour=j.nb_modifies, details=j.rapport)
        ancien.objects.filter(pk=copie.pk).update(created_at=j.created_at)  # auto_now_add on the old model
    nouveau.objects.filter(pk__in=[j.pk for j in journaux]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_import_journal"),
        ("facilitateurs", "0002_suivi_lectures_journal"),
    ]

    operations = [
        migrations.RunPython(vers_core, depuis_core),
        migrations.DeleteModel(name="JournalImport"),
    ]
