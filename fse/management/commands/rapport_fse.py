"""python manage.py rapport_fse --annee 2025 [--operation REF] --format json|xlsx [--output F]

JSON: the common indicators (Regulation (EU) 2021/1057, Annex I) of the year, keys `participants`,
`indicateurs` (code → value), `donnees_incompletes`, `annee`, `operation`, `par_sexe`, `definitions`
(code → libellé); standard output when --output is missing or "-". XLSX: the participant-level file
(codes only), --output required."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from fse.exports import participants_xlsx
from fse.indicateurs import rapport, rapport_json
from fse.models import OperationFSE


def _ecrire(chemin: str, contenu: bytes) -> None:
    try:
        with open(chemin, "wb") as handle:
            handle.write(contenu)
    except OSError as exc:
        raise CommandError(f"Impossible d'écrire {chemin} : {exc.strerror}.") from exc


class Command(BaseCommand):
    help = "Produit le rapport FSE+ d'une année (indicateurs communs en JSON, ou fichier des participants en XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--annee", type=int, required=True)
        parser.add_argument("--operation", help="Référence de l'opération (par défaut : toutes les opérations)")
        parser.add_argument("--format", choices=("json", "xlsx"), default="json")
        parser.add_argument("--output", help="Fichier produit (obligatoire en XLSX ; JSON : sortie standard sinon)")

    def handle(self, *args, annee, operation, format, output, **options):
        if not 2000 <= annee <= 2100:
            raise CommandError(f"Année invalide : {annee}.")
        objet = None
        if operation:
            objet = OperationFSE.objects.filter(reference=operation.strip()).first()
            if objet is None:
                raise CommandError(f"Aucune opération FSE+ de référence {operation}.")
        if format == "json":
            texte = json.dumps(rapport_json(rapport(annee=annee, operation=objet)), ensure_ascii=False, indent=2)
            if output and output != "-":
                _ecrire(output, (texte + "\n").encode())
                self.stderr.write(f"Rapport FSE+ {annee} écrit dans {output}")
            else:
                self.stdout.write(texte)
            return
        if not output:
            raise CommandError("--output FICHIER.xlsx est obligatoire pour le format XLSX.")
        contenu = participants_xlsx(annee=annee, operation=objet)
        if output == "-":
            sys.stdout.buffer.write(contenu)
            return
        _ecrire(output, contenu)
        self.stderr.write(f"Participants FSE+ {annee} écrits dans {output} ({len(contenu)} octets)")
