"""python manage.py resumes_heures [--reconstruire]

Checks that the summaries of the hour rows (facilitateurs.resumes, kept by database triggers) equal the rows;
--reconstruire rebuilds them first (after restoring a backup taken without them, for instance). Exits non-zero
when a summary differs."""

import time

from django.core.management.base import BaseCommand, CommandError

from facilitateurs import resumes

LIBELLES = {resumes.R_MARCHE: "heures par marché et par année", resumes.R_PARTICIPANT: "participants par acheteur "
            "et par année", resumes.R_ENTREPRISE: "entreprises par acheteur et par année"}


class Command(BaseCommand):
    help = "Vérifie (ou reconstruit) les résumés des relevés d'heures lus par les bilans."

    def add_arguments(self, parser):
        parser.add_argument("--reconstruire", action="store_true", help="reconstruire les résumés depuis les relevés")

    def handle(self, *args, reconstruire=False, **options):
        if reconstruire:
            debut = time.perf_counter()
            resumes.reconstruire()
            self.stdout.write(f"Résumés reconstruits en {time.perf_counter() - debut:.1f} s.")
        ecarts = resumes.ecarts()
        for table, nombre in ecarts.items():
            self.stdout.write(f"{LIBELLES[table]} : {'conforme' if not nombre else f'{nombre} ligne(s) en écart'}")
        if any(ecarts.values()):
            raise CommandError("Des résumés diffèrent des relevés d'heures : "
                               "python manage.py resumes_heures --reconstruire")
