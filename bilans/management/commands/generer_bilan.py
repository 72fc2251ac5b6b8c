"""python manage.py generer_bilan --annee 2025 [--acheteur SIRET] [--depuis 2019] --output bilan.pdf
python manage.py generer_bilan --annee 2025 --format json [--output bilan.json]"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bilans.calcul import memoire_de_calcul
from bilans.pdf import bilan_pdf
from bilans.selectors import indicateurs_annuels, to_jsonable
from core.models import Organisation


class Command(BaseCommand):
    help = "Produit le bilan annuel (PDF) ou ses indicateurs (JSON) d'un acheteur."
    # A report read from the database: Django's system checks (every URL module and view imported, ~0.6 s)
    # belong to `manage.py check` and the deployment, not to each run (call_command skips them already).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--annee", type=int, required=True)
        parser.add_argument("--acheteur", help="SIRET de l'acheteur (par défaut : l'organisation de l'instance)")
        parser.add_argument("--depuis", type=int, help="Première année du cumul (par défaut : la première avec des heures)")
        parser.add_argument("--format", choices=("pdf", "json"), default="pdf")
        parser.add_argument("--output", help="Fichier produit (obligatoire en PDF ; JSON : sortie standard sinon)")
        parser.add_argument("--details", action="store_true", help="JSON : ajouter les ventilations détaillées")

    def handle(self, *args, annee, acheteur, depuis, format, output, details, **options):
        if acheteur:
            organisation = Organisation.objects.filter(siret=acheteur.replace(" ", "")).first()
            if organisation is None:
                raise CommandError(f"Aucun acheteur de SIRET {acheteur}.")
        else:
            organisation = Organisation.objects.instance()
            if organisation is None:
                raise CommandError("Aucune organisation de l'instance : précisez --acheteur.")
        if depuis is not None and depuis > annee:
            raise CommandError("--depuis doit être antérieure ou égale à --annee.")
        if format == "json":
            with transaction.atomic():
                memoire_de_calcul()
                data = to_jsonable(indicateurs_annuels(acheteur=organisation, annee=annee, depuis=depuis,
                                                       details=details))
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if output:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
                self.stderr.write(f"Indicateurs écrits dans {output}")
            else:
                self.stdout.write(text)
            return
        if not output:
            raise CommandError("--output FICHIER.pdf est obligatoire pour le PDF.")
        with transaction.atomic():
            memoire_de_calcul()
            pdf = bilan_pdf(acheteur=organisation, annee=annee, depuis=depuis)
        with open(output, "wb") as handle:
            handle.write(pdf)
        self.stderr.write(f"Bilan {annee} de {organisation} écrit dans {output} ({len(pdf)} octets)")
