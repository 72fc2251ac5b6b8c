from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, database_restore


class Command(BaseCommand):
    help = "Restaure une sauvegarde faite par `sauvegarder` : REMPLACE toutes les données de la base."

    def add_arguments(self, parser):
        parser.add_argument("fichier")
        parser.add_argument("--oui", action="store_true", help="Confirmer sans question (scripts).")

    def handle(self, *args, fichier, oui=False, **options):
        if not oui:
            answer = input(f"Toutes les données actuelles seront remplacées par {fichier}. Continuer ? [oui/non] ")
            if answer.strip().lower() != "oui":
                raise CommandError("Restauration annulée.")
        try:
            database_restore(source=fichier)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Base restaurée depuis {fichier}."))
