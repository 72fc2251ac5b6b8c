"""Login throttling (django-axes, AXES_HANDLER): two locks, both lifted after AXES_COOLOFF_TIME.

1. One username from one address (the real client address, core.entetes.adresse_client): AXES_FAILURE_LIMIT
   failures (5) lock that pair. The same person elsewhere, and everyone else from that address, still log in:
   a colleague behind the same office NAT, or the real user from home, are not shut out by an attacker.
2. One username from every address together: CONNEXION_LIMITE_PAR_IDENTIFIANT failures (20) within the
   cool-off lock that username wherever the attempt comes from: an attacker spreading guesses over many
   addresses (a botnet) gets a handful of tries per address and twenty in all.

One address can never lock an account for everyone: once its pair is locked (1) its attempts are refused
before the password is checked and are not counted, so it contributes at most AXES_FAILURE_LIMIT failures to
(2); locking a username for everyone takes at least ceil(20 / 5) = 4 addresses, and only for the cool-off.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def echecs_recents(username: str) -> int:
    """Failures for `username` from every address within the cool-off."""
    depuis = timezone.now() - get_cool_off()
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=depuis).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class VerrouillageConnexion(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        username = get_client_username(request, credentials)
        return bool(username) and echecs_recents(username) >= settings.CONNEXION_LIMITE_PAR_IDENTIFIANT
