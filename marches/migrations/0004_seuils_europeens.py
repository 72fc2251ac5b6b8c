"""EU thresholds 2024–2025 and 2026–2027 (domain.md §2), editable afterwards by the DCP."""

import datetime
from decimal import Decimal

from django.db import migrations

SEUILS = {
    (datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)): {
        "travaux": "5538000", "fcs_collectivites": "221000", "fcs_etat": "143000", "entites_adjudicatrices": "443000",
    },
    (datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)): {
        "travaux": "5404000", "fcs_collectivites": "216000", "fcs_etat": "140000", "entites_adjudicatrices": "432000",
    },
}


def seed(apps, schema_editor):
    SeuilEuropeen = apps.get_model("marches", "SeuilEuropeen")
    for (debut, fin), montants in SEUILS.items():
        for type_seuil, montant in montants.items():
            SeuilEuropeen.objects.get_or_create(
                type_seuil=type_seuil, date_debut=debut, defaults={"date_fin": fin, "montant_ht": Decimal(montant)}
            )


def unseed(apps, schema_editor):
    SeuilEuropeen = apps.get_model("marches", "SeuilEuropeen")
    for (debut, _fin), montants in SEUILS.items():
        SeuilEuropeen.objects.filter(date_debut=debut, type_seuil__in=list(montants)).delete()


class Migration(migrations.Migration):
    dependencies = [("marches", "0003_import_journal")]
    operations = [migrations.RunPython(seed, unseed)]
