"""Fill the search column of existing contracts; on PostgreSQL add a trigram index (pg_trgm) for LIKE '%…%'.
Without the right to create the extension the index is skipped (search still works, only slower)."""

import unicodedata

from django.db import migrations


def _normaliser(text):
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return " ".join(text.split())


def remplir(apps, schema_editor):
    Marche = apps.get_model("marches", "Marche")
    Attribution = apps.get_model("marches", "Attribution")
    entreprises = {}
    for marche_id, nom, siret in Attribution.objects.values_list("marche_id", "entreprise__nom",
                                                                 "entreprise__siret").iterator(chunk_size=5000):
        entreprises.setdefault(marche_id, []).extend([nom or "", siret or ""])
    batch = []
    for marche in Marche.objects.only("id", "objet", "identifiant").iterator(chunk_size=5000):
        parts = [marche.identifiant or "", marche.objet or "", *entreprises.get(marche.pk, [])]
        marche.recherche = _normaliser(" ".join(p for p in parts if p))
        batch.append(marche)
        if len(batch) >= 5000:
            Marche.objects.bulk_update(batch, ["recherche"])
            batch = []
    Marche.objects.bulk_update(batch, ["recherche"])


def trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.db import transaction

    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute("CREATE INDEX IF NOT EXISTS marche_recherche_trgm ON marches_marche "
                                  "USING gin (recherche gin_trgm_ops)")
    except Exception:  # no right to create the extension: search works without the index
        pass


def trigram_retirer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS marche_recherche_trgm")


class Migration(migrations.Migration):
    dependencies = [("marches", "0006_recherche")]
    operations = [
        migrations.RunPython(remplir, migrations.RunPython.noop),
        migrations.RunPython(trigram, trigram_retirer),
    ]
