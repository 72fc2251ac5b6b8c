"""Sending the reminders (Celery beat every day, or `manage.py envoyer_relances`) and the users' preferences."""

import datetime
import logging
from collections import Counter

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from core.enums import Role

from .enums import Genre, TypeNotification
from .models import EnvoiRelance, PreferenceNotification
from .selectors import Message, relances_du_jour

logger = logging.getLogger(__name__)

SUJETS = {
    Genre.DECLARATION: "Déclarez vos heures d'insertion de {mois_libelle}",
    Genre.DECLARATION_RELANCE: "Rappel : vos heures d'insertion de {mois_libelle} ne sont pas déclarées",
    Genre.SYNTHESE: "Votre synthèse de la semaine {semaine}",
    Genre.BILAN: "Un bilan annuel est prêt",
    Genre.DECP: "Marchés à publier dans les données essentielles (DECP)",
}

TYPES_DU_ROLE = {
    Role.ENTREPRISE: [TypeNotification.DECLARATION],
    Role.FACILITATEUR: [TypeNotification.SYNTHESE],
    Role.DCP: [TypeNotification.BILAN],
    Role.ELU: [TypeNotification.BILAN],
    Role.ACHETEUR: [TypeNotification.DECP],
    Role.ADMIN: list(TypeNotification),
    Role.PARTENAIRE: [],
}


def courriel(message: Message) -> EmailMultiAlternatives:
    """The e-mail of a message: French, plain text and HTML, with the instance's name."""
    instance = settings.SPASER["INSTANCE_NAME"]
    contexte = {**message.contexte, "user": message.user, "instance_name": instance,
                "url_site": settings.RELANCES["URL_SITE"].rstrip("/"), "genre": message.genre}
    sujet = f"[{instance}] " + SUJETS[message.genre].format(**contexte)
    email = EmailMultiAlternatives(
        subject=sujet, body=render_to_string(f"relances/email/{message.genre}.txt", contexte), to=[message.user.email])
    email.attach_alternative(render_to_string(f"relances/email/{message.genre}.html", contexte), "text/html")
    return email


def relances_envoyer(*, date: datetime.date, dry_run: bool = False) -> Counter:
    """Send every reminder due on `date` and record each (genre, user, subject) so it never goes twice.
    `dry_run`: count only, send and record nothing. Returns {genre: number of e-mails}. An e-mail that fails is
    not recorded (it goes again on the next run); the others still go."""
    messages = relances_du_jour(date)
    compte = Counter()
    if dry_run:
        compte.update(m.genre for m in messages)
        return compte
    connexion = get_connection()
    for message in messages:
        try:
            with transaction.atomic():
                EnvoiRelance.objects.bulk_create(
                    [EnvoiRelance(genre=message.genre, user=message.user, cle=cle) for cle in message.cles])
                connexion.send_messages([courriel(message)])
        except IntegrityError:
            continue  # another run recorded it meanwhile: already sent
        except Exception:  # a refused address or a mail server down: retried on the next run
            logger.exception("Relance %s à l'utilisateur %s non envoyée", message.genre, message.user.pk)
            continue
        compte[message.genre] += 1
    return compte


@transaction.atomic
def preferences_enregistrer(*, user, choix: dict) -> None:
    """`choix`: {TypeNotification: bool}; only the kinds the user's role receives are stored."""
    for type_ in TYPES_DU_ROLE.get(user.role, []):
        if type_ in choix:
            PreferenceNotification.objects.update_or_create(user=user, type=type_,
                                                            defaults={"active": bool(choix[type_])})
