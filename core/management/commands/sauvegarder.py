from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BackupError, database_backup, dossier_sauvegardes


class Command(BaseCommand):
    help = "Sauvegarde toute la base (pg_dump au format custom sur PostgreSQL, copie SQLite sinon)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Fichier de sortie (défaut : var/sauvegardes/spaser-AAAAMMJJ-HHMM.dump)")

    def handle(self, *args, output=None, **options):
        from django.conf import settings

        path = Path(output) if output else dossier_sauvegardes(settings.VAR_DIR) / (
            f"spaser-{timezone.localtime():%Y%m%d-%H%M}.dump")
        try:
            database_backup(output=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {path} ({path.stat().st_size} octets)"))
