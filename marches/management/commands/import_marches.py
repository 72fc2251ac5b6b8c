from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from marches.services import registre_importer


class Command(BaseCommand):
    help = "Importe un registre de marchés (CSV ; ou , en UTF-8, ou XLSX). Une seule erreur refuse tout le fichier."

    def add_arguments(self, parser):
        parser.add_argument("fichier")

    def handle(self, *args, fichier, **options):
        path = Path(fichier)
        if not path.is_file():
            raise CommandError(f"{fichier} : fichier introuvable")
        report = registre_importer(data=path.read_bytes(), fichier=path.name)
        if report["refuse"]:
            for line in report["texte_erreurs"]:
                self.stderr.write(line)
            raise CommandError(f"{path.name} refusé : {len(report['erreurs'])} erreur(s), rien n'a été enregistré.")
        self.stdout.write(f"{path.name} : {report['nb_lus']} lignes, {report['nb_crees']} créées, "
                          f"{report['nb_modifies']} modifiées, {report['nb_inchanges']} inchangées.")
