from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import demo
from core.donnees import donnees_modifiees_une_fois
from demo import entreprises as demo_entreprises  # issue 15: a company's contact and its declarations
from demo import examens as demo_examens  # issue 18: examinations before launch
from demo import fse as demo_fse  # issue 16: FSE+ participants' data, after the facilitators' data


class Command(BaseCommand):
    help = "Charge les données et comptes de démonstration (idempotent)."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO", False):
            raise CommandError("Les données de démonstration ne se chargent pas avec les réglages de production.")
        # Thousands of rows saved through the services: the data version (core.donnees) moves once, after commit.
        with donnees_modifiees_une_fois(), transaction.atomic():
            demo.seed(stdout=self.stdout)
            demo_fse.seed(stdout=self.stdout)
            demo_entreprises.seed(stdout=self.stdout)
            demo_examens.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
