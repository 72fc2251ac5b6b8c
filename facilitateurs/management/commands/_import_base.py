"""Shared body of import_participants and import_heures: print every bad row and exit non-zero."""

import time

from django.core.management.base import BaseCommand, CommandError

from core.models import User


class ImportCommand(BaseCommand):
    importer = None  # function(path, user=..., dry_run=...) -> ResultatImport

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="CSV (; ou ,) ou XLSX")
        parser.add_argument("--utilisateur", help="identifiant de l'auteur de l'import (journal)")
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans rien enregistrer")

    def handle(self, *args, fichier, utilisateur=None, dry_run=False, **options):
        user = None
        if utilisateur:
            user = User.objects.filter(username=utilisateur).first()
            if user is None:
                raise CommandError(f"Utilisateur inconnu : {utilisateur}")
        try:
            open(fichier, "rb").close()
        except OSError as exc:
            raise CommandError(f"{fichier} : fichier introuvable ou illisible ({exc.strerror}).") from exc
        start = time.perf_counter()
        resultat = type(self).importer(fichier, user=user, dry_run=dry_run)
        if not resultat.ok:
            for message in resultat.messages_erreurs():
                self.stderr.write(message)
            raise CommandError(f"{len(resultat.erreurs)} erreur(s) : rien n'a été enregistré.")
        elapsed = time.perf_counter() - start
        if dry_run:
            self.stdout.write(f"{resultat.lignes} lignes valides (vérification seule, rien n'a été enregistré).")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{resultat.lignes} lignes importées : {resultat.crees} créées, {resultat.mis_a_jour} mises à jour, "
                f"{resultat.entreprises_creees} entreprises créées ({elapsed:.1f} s)."))
