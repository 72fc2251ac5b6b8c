"""The reminders' schedule: who gets which e-mail on a given date. Reads only (relances.services sends and
records). Every e-mail carries counts, contracts and months; never a participant's code or identity."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from bilans.models import Bilan
from core.enums import Role
from core.models import User
from declarations import selectors as declarations_selectors
from declarations.enums import StatutDeclaration
from declarations.models import Declaration
from facilitateurs.models import ActionSuivi, Eligibilite, Sortie
from facilitateurs.selectors import alertes
from facilitateurs.services import add_months, mois_libelle, premier_du_mois
from fse import selectors as fse_selectors
from marches.models import Marche

from .enums import NOTIFICATION_DU_GENRE, Genre
from .models import EnvoiRelance, PreferenceNotification

DECP_SEUIL_HT = 40000  # contracts of 40 000 € HT or more notified since 1 Jan 2024 are published in the DECP
DECP_DEPUIS = datetime.date(2024, 1, 1)
DECP_DELAI_MOIS = 2  # the legal deadline: two months after notification
BILAN_RECENT_JOURS = 30  # a bilan produced longer ago than this is not announced any more
JUSTIFICATIFS_JOURS = 15


@dataclass
class Message:
    genre: str
    user: User
    cles: list[str]  # what the e-mail is about; each (genre, user, cle) is sent once only
    contexte: dict = field(default_factory=dict)


def reglages() -> dict:
    return settings.RELANCES


def _desactivees(genre: str) -> set[int]:
    return set(PreferenceNotification.objects.filter(type=NOTIFICATION_DU_GENRE[genre], active=False)
               .values_list("user_id", flat=True))


def _deja(genre: str, cles=None) -> set[tuple[int, str]]:
    qs = EnvoiRelance.objects.filter(genre=genre)
    if cles is not None:
        qs = qs.filter(cle__in=list(cles))
    return set(qs.values_list("user_id", "cle"))


# 1. Companies: last month not declared ------------------------------------------------------------------------

def _declarations(date: datetime.date) -> list[Message]:
    r = reglages()
    jour, relance = r["JOUR_DECLARATION"], r["JOUR_DECLARATION"] + r["DELAI_RELANCE_JOURS"]
    if date.day < jour:
        return []
    mois = add_months(premier_du_mois(date), -1)
    cle = f"{mois:%Y-%m}"
    genre = Genre.DECLARATION_RELANCE if date.day >= relance else Genre.DECLARATION
    premiers = _deja(Genre.DECLARATION, [cle])
    deja, off = _deja(genre, [cle]), _desactivees(genre)
    contacts = list(declarations_selectors.contacts_actifs())
    messages = []
    par_entreprise: dict[int, list] = {}
    for contact in contacts:
        user = contact.user
        if user.pk in off or (user.pk, cle) in deja or not user.email:
            continue
        if genre == Genre.DECLARATION_RELANCE and (user.pk, cle) not in premiers:
            continue  # one follow-up, after the first reminder
        if contact.entreprise_id not in par_entreprise:
            marches = [m for m in declarations_selectors.marches_de_l_entreprise(contact.entreprise)
                       if declarations_selectors.marche_en_cours(m, mois)]
            couverts = declarations_selectors.mois_couverts(contact.entreprise, [m.pk for m in marches])
            par_entreprise[contact.entreprise_id] = [m for m in marches if mois not in couverts[m.pk]]
        manquants = par_entreprise[contact.entreprise_id]
        if manquants:
            messages.append(Message(genre=genre, user=user, cles=[cle], contexte={
                "mois": mois, "mois_libelle": mois_libelle(mois), "entreprise": contact.entreprise,
                "marches": manquants}))
    return messages


# 2. Facilitators' weekly digest -------------------------------------------------------------------------------

def _synthese(date: datetime.date) -> list[Message]:
    if date.weekday() < reglages()["JOUR_SYNTHESE"]:
        return []
    annee, semaine, _ = date.isocalendar()
    cle = f"{annee}-W{semaine:02d}"
    deja, off = _deja(Genre.SYNTHESE, [cle]), _desactivees(Genre.SYNTHESE)
    facilitateurs = [u for u in User.objects.filter(role=Role.FACILITATEUR, is_active=True).exclude(email="")
                     .order_by("pk") if u.pk not in off and (u.pk, cle) not in deja]
    if not facilitateurs:
        return []
    compteurs = {
        "declarations": Declaration.objects.filter(statut=StatutDeclaration.EN_ATTENTE).count(),
        "en_retard": alertes(facilitateurs[0], today=date)["nb_en_retard"],
        "justificatifs": Eligibilite.objects.filter(
            date_fin_validite__gte=date, date_fin_validite__lte=date + datetime.timedelta(days=JUSTIFICATIFS_JOURS))
        .count(),
        "suivis_6_mois": Sortie.objects.filter(date_suivi_6_mois__isnull=True,
                                               date_sortie__lte=add_months(date, -6)).count(),
        **_fse_a_completer(date),
    }
    if not any(compteurs.values()) and not ActionSuivi.objects.filter(faite=False, echeance__lt=date).exists():
        return []
    messages = []
    for user in facilitateurs:
        actions = ActionSuivi.objects.filter(faite=False, echeance__lt=date).filter(
            Q(responsable=user) | Q(responsable__isnull=True)).count()
        messages.append(Message(genre=Genre.SYNTHESE, user=user, cles=[cle],
                                contexte={**compteurs, "actions": actions, "semaine": semaine}))
    return messages


def _fse_a_completer(date: datetime.date) -> dict:
    """FSE+ participations whose entry, exit or 6-month data are missing or soon due, and how many are overdue
    (the completeness page's own list: fse.selectors.a_completer)."""
    manques = fse_selectors.a_completer(aujourd_hui=date)
    return {"fse_a_completer": len(manques), "fse_en_retard": sum(1 for m in manques if m.en_retard)}


# 3. DCP and élus: a bilan is ready ----------------------------------------------------------------------------

def _bilans(date: datetime.date) -> list[Message]:
    depuis = date - datetime.timedelta(days=BILAN_RECENT_JOURS)
    bilans = list(Bilan.objects.exclude(fichier="").filter(generated_at__date__gte=depuis,
                                                           generated_at__date__lte=date)
                  .select_related("acheteur").order_by("generated_at"))
    if not bilans:
        return []
    cles = {f"bilan-{b.pk}": b for b in bilans}
    deja, off = _deja(Genre.BILAN, cles), _desactivees(Genre.BILAN)
    messages = []
    for user in User.objects.filter(role__in=(Role.DCP, Role.ELU), is_active=True).exclude(email="").order_by("pk"):
        if user.pk in off:
            continue
        nouveaux = [cle for cle in cles if (user.pk, cle) not in deja]
        if nouveaux:
            messages.append(Message(genre=Genre.BILAN, user=user, cles=nouveaux,
                                    contexte={"bilans": [cles[c] for c in nouveaux]}))
    return messages


# 4. Buyers: a notified contract not yet published in the DECP near the two-month deadline ----------------------

def echeance_decp(marche) -> datetime.date:
    return add_months(marche.date_notification, DECP_DELAI_MOIS)


def _decp(date: datetime.date) -> list[Message]:
    preavis = datetime.timedelta(days=reglages()["DECP_PREAVIS_JOURS"])
    # deadline - preavis <= date  <=>  notification <= date + preavis - 2 months; still reminded after the deadline
    # for as long again as the notice (then once only, recorded).
    notifies_avant = add_months(date + preavis, -DECP_DELAI_MOIS)
    notifies_apres = add_months(date - preavis, -DECP_DELAI_MOIS)
    marches = list(Marche.objects.filter(
        date_notification__gte=max(DECP_DEPUIS, notifies_apres), date_notification__lte=notifies_avant,
        date_publication_donnees__isnull=True, montant_ht__gte=DECP_SEUIL_HT).select_related("acheteur")
        .order_by("date_notification", "pk"))
    if not marches:
        return []
    cles = {f"decp-{m.pk}": m for m in marches}
    deja, off = _deja(Genre.DECP, cles), _desactivees(Genre.DECP)
    acheteurs = list(User.objects.filter(role=Role.ACHETEUR, is_active=True,
                                         organisation_id__in={m.acheteur_id for m in marches}).exclude(email=""))
    par_user: dict[int, list[str]] = {}
    for cle, marche in cles.items():
        de_la_direction = [u for u in acheteurs if u.organisation_id == marche.acheteur_id
                           and marche.direction_id and u.direction_id == marche.direction_id]
        destinataires = de_la_direction or [u for u in acheteurs if u.organisation_id == marche.acheteur_id]
        for user in destinataires:
            if user.pk not in off and (user.pk, cle) not in deja:
                par_user.setdefault(user.pk, []).append(cle)
    users = {u.pk: u for u in acheteurs}
    return [Message(genre=Genre.DECP, user=users[pk], cles=user_cles, contexte={
        "marches": [{"marche": cles[c], "echeance": echeance_decp(cles[c])} for c in user_cles]})
        for pk, user_cles in sorted(par_user.items())]


def relances_du_jour(date: datetime.date) -> list[Message]:
    """Every e-mail due on `date` that was not sent yet (each kind on or after its day, so a missed day catches up;
    the record of sent reminders keeps each one single)."""
    return [*_declarations(date), *_synthese(date), *_bilans(date), *_decp(date)]


def preferences_de(user) -> dict[str, bool]:
    choix = dict(PreferenceNotification.objects.filter(user=user).values_list("type", "active"))
    return choix
