from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import tabular
from marches import register, selectors
from marches.models import Marche


class Command(BaseCommand):
    help = "Exporte le registre des marchés (CSV ou XLSX selon l'extension), mêmes colonnes qu'import_marches."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True)
        parser.add_argument("--acheteur", help="SIRET de l'acheteur")

    def handle(self, *args, output, acheteur=None, **options):
        queryset = Marche.objects.select_related("acheteur", "direction", "famille").prefetch_related(
            selectors.titulaires_prefetch()).order_by("acheteur__siret", "identifiant", "pk")
        if acheteur:
            queryset = queryset.filter(acheteur__siret=acheteur)
        path = Path(output)
        rows = register.rows(queryset)
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(tabular.xlsx_bytes(register.COLUMNS, rows, title="Registre"))
        elif path.suffix.lower() == ".csv":
            with path.open("w", encoding="utf-8", newline="") as handle:
                for line in tabular.csv_stream(register.COLUMNS, rows):
                    handle.write(line)
        else:
            raise CommandError("Extension attendue : .csv ou .xlsx")
        self.stdout.write(f"{output} : {queryset.count()} marchés exportés.")
