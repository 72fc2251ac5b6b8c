from facilitateurs.imports import import_participants

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Importe des participants et leurs critères d'éligibilité (CSV ou XLSX) ; tout ou rien."
    importer = staticmethod(import_participants)
