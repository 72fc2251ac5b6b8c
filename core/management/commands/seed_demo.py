from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app seeds its own demo data, in this order (later steps use what earlier ones made).
STEPS = [
    "core.demo.seed",
    "clauses.demo.seed_referentiel",
    "marches.demo.seed",
    "clauses.demo.seed_clauses",
    "facilitateurs.demo.seed",
    "bilans.demo.seed",
    "spaser.demo.seed",
]


def _resolve(dotted):
    module_name, func_name = dotted.rsplit(".", 1)
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, func_name, None)


class Command(BaseCommand):
    help = "Charge les données et comptes de démonstration (idempotent)."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO", False):
            raise CommandError("Les données de démonstration ne se chargent pas avec les réglages de production.")
        with transaction.atomic():
            for dotted in STEPS:
                step = _resolve(dotted)
                if step is not None:
                    step(stdout=self.stdout)
                    self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
