"""python manage.py envoyer_relances [--date AAAA-MM-JJ] [--dry-run]: the reminders of a day (by default today),
the same code as Celery beat's daily run; prints how many e-mails of each kind it sends (or would send)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.templatetags.formats import compte as compter
from core.templatetags.formats import pluriel
from relances.enums import Genre
from relances.services import relances_envoyer


class Command(BaseCommand):
    help = "Envoie les relances et notifications par courriel du jour (ou de --date) ; --dry-run : compte seulement."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Jour des relances, AAAA-MM-JJ (par défaut : aujourd'hui)")
        parser.add_argument("--dry-run", action="store_true", help="Compter sans envoyer ni enregistrer")

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            jour = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Date invalide « {date} » : attendu AAAA-MM-JJ.") from exc
        compte = relances_envoyer(date=jour, dry_run=dry_run)
        total = sum(compte.values())
        if dry_run:
            verbe = "seraient envoyés" if pluriel(total) else "serait envoyé"
        else:
            verbe = "envoyés" if pluriel(total) else "envoyé"
        self.stdout.write(f"Relances du {jour:%d/%m/%Y}{' (simulation)' if dry_run else ''} : "
                          f"{compter(total, 'courriel')} {verbe}")
        for genre in Genre:
            self.stdout.write(f"  {genre.label} : {compte.get(genre.value, 0)}")
