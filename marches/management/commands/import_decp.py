from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from marches.services import decp_importer


class Command(BaseCommand):
    help = "Importe des fichiers DECP (JSON v1/v2 ou XML). Un fichier illisible est refusé en entier."

    def add_arguments(self, parser):
        parser.add_argument("fichiers", nargs="+")
        parser.add_argument("--anomalies", action="store_true", help="Afficher chaque anomalie corrigée.")

    def handle(self, *args, fichiers, anomalies=False, **options):
        refus = 0
        for name in fichiers:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name} : fichier introuvable")
            report = decp_importer(data=path.read_bytes(), fichier=path.name)
            if report["refuse"]:
                refus += 1
                self.stderr.write(f"{path.name} : REFUSÉ, rien n'a été enregistré.")
                for line in report["texte_erreurs"]:
                    self.stderr.write(f"  {line}")
                continue
            self.stdout.write(
                f"{path.name} : {report['nb_lus']} contrats lus, {report['nb_crees']} créés, "
                f"{report['nb_modifies']} modifiés, {report['nb_inchanges']} inchangés, "
                f"{report['nb_doublons']} doublons exacts, {report['nb_anomalies']} anomalies corrigées."
            )
            if anomalies:
                for a in report["anomalies"]:
                    where = f"n° {a['index'] + 1}" if a["index"] is not None else "fichier"
                    self.stdout.write(f"  {where} (id « {a['id']} ») {a['champ']} : {a['message']}")
        if refus:
            raise CommandError(f"{refus} fichier(s) refusé(s).")
