from facilitateurs.imports import import_heures

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Importe des heures mensuelles (CSV ou XLSX) ; tout ou rien."
    importer = staticmethod(import_heures)
