"""What the declarations' pages share: the company of the logged-in contact, the month in a query string."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from facilitateurs.imports import parse_mois

from ..perms import entreprise_du_contact


def entreprise_requise(request):
    entreprise = entreprise_du_contact(request.user)
    if entreprise is None:
        raise PermissionDenied("Votre compte n'est rattaché à aucune entreprise.")
    return entreprise


def mois_demande(value, defaut: datetime.date | None = None) -> datetime.date | None:
    try:
        return parse_mois(value)
    except (ValueError, TypeError):
        return defaut


def mois_precedent() -> datetime.date:
    today = timezone.localdate().replace(day=1)
    return (today - datetime.timedelta(days=1)).replace(day=1)
