import json

from django.core.management.base import BaseCommand, CommandError

from marches import decp


class Command(BaseCommand):
    help = "Exporte les marchés au format DECP v2 (JSON validé contre le schéma officiel 2.0.3)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True)
        parser.add_argument("--acheteur", help="SIRET de l'acheteur")
        parser.add_argument("--annee", type=int, help="Année de notification")

    def handle(self, *args, output, acheteur=None, annee=None, **options):
        document, exclus = decp.export_document(acheteur=acheteur, annee=annee)
        erreurs = decp.validate(document)
        if erreurs:
            raise CommandError("Document non conforme au schéma :\n" + "\n".join(erreurs[:50]))
        with open(output, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=1)
        body = document["marches"]
        self.stdout.write(f"{output} : {len(body['marche'])} marchés, {len(body.get('contrat-concession', []))} "
                          f"concessions, valide (schéma DECP 2.0.3).")
        if exclus:
            self.stdout.write(f"{len(exclus)} contrat(s) non publiables (données obligatoires manquantes) :")
            for item in exclus[:100]:
                self.stdout.write(f"  {item['id'] or '(sans identifiant)'} : {', '.join(item['manque'])}")
