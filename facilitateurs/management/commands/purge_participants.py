from django.core.management.base import BaseCommand

from facilitateurs.services import identites_purger


class Command(BaseCommand):
    help = ("Supprime l'identité (noms, coordonnées) des participants dont les dernières heures datent de plus de "
            "SPASER['RETENTION_IDENTITE_ANNEES'] ans ; les chiffres anonymes restent.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="lister sans supprimer")

    def handle(self, *args, dry_run=False, **options):
        codes = identites_purger(dry_run=dry_run)
        verbe = "seraient purgées" if dry_run else "purgées"
        self.stdout.write(f"{len(codes)} identité(s) {verbe}.")
        for code in codes[:50]:
            self.stdout.write(f"  {code}")
