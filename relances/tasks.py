from celery import shared_task
from django.utils import timezone

from .services import relances_envoyer


@shared_task(acks_late=True)
def relances_envoyer_tache():
    """Run by Celery beat every day (settings.CELERY_BEAT_SCHEDULE): the same code as `envoyer_relances`."""
    compte = relances_envoyer(date=timezone.localdate())
    return dict(compte)
