"""Reads on FSE+ operations and participations: the pages' lists, the scope of a report (with each
participation's exit, derived from facilitateurs.Sortie) and what remains to be filled in, with its due date.

The exit of a participation is the participant's earliest Sortie dated on or after the entry (one record, not
two): `sortie_date`, `sortie_categorie` and `categorie_6_mois` are annotated from it.

Due dates (a participant's data are collected within four weeks of the event):
- entry data (situation, education level, the six sensitive answers; "ne souhaite pas répondre" is an
  answer): date_entree + 28 days;
- exit data (the three questions at exit), once an exit is recorded: exit + 28 days;
- six-month data (the Sortie's 6-month situation and the improved-situation answer): exit + 6 months + 28
  days; listed by `a_completer` from 30 days before exit + 6 months, counted as incomplete from exit + 6 months."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from facilitateurs.models import Convention, Sortie
from facilitateurs.services import add_months

from .models import QUESTIONS_SORTIE, SENSIBLES, OperationFSE, ParticipationFSE

DELAI_SAISIE = datetime.timedelta(days=28)
PREAVIS_6_MOIS = datetime.timedelta(days=30)
ENTREE, SORTIE, SIX_MOIS = "entrée", "sortie", "6 mois"


def operations(*, q: str = "") -> QuerySet:
    """Operations with their number of participants (one query), newest first; `q` searches the reference and
    the title."""
    qs = OperationFSE.objects.annotate(nb_participants=Count("participations", distinct=True))
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(intitule__icontains=q))
    return qs.order_by("-date_debut", "reference")


def operation(pk) -> OperationFSE | None:
    """An operation with its conventions (and their partner) and its facilitators."""
    return OperationFSE.objects.filter(pk=pk).prefetch_related(
        Prefetch("conventions", queryset=Convention.objects.select_related("partenaire").order_by("intitule")),
        "facilitateurs").first()


def participation(pk) -> ParticipationFSE | None:
    return (ParticipationFSE.objects.select_related("operation", "participant", "convention__partenaire")
            .filter(pk=pk).first())


def _sorties_depuis(participant_id, date_entree) -> QuerySet:
    """The participant's exits on or after the entry date, the earliest first: the first is the participation's
    exit (the one rule, read by the subqueries of `participations` and by `sortie_de`)."""
    return Sortie.objects.filter(participant_id=participant_id, date_sortie__gte=date_entree).order_by(
        "date_sortie", "pk")


def sortie_de(participation) -> Sortie | None:
    """The participant's exit from this participation (one query)."""
    return _sorties_depuis(participation.participant_id, participation.date_entree).first()


def _sortie(colonne: str):
    return Subquery(_sorties_depuis(OuterRef("participant_id"), OuterRef("date_entree")).values(colonne)[:1])


def participations(*, annee: int | None = None, operation=None, partenaire=None):
    """Participations (participant, operation and convention joined) annotated with their exit.
    `annee`: those the year's report reads (entered in the year, exit in the year, or exit + 6 months in the
    year); `operation`: one operation; `partenaire`: under that partner's conventions only."""
    qs = ParticipationFSE.objects.select_related("participant", "operation", "convention").annotate(
        sortie_date=_sortie("date_sortie"), sortie_categorie=_sortie("categorie"),
        categorie_6_mois=_sortie("categorie_6_mois"))
    if operation is not None:
        qs = qs.filter(operation=operation)
    if partenaire is not None:
        qs = qs.filter(convention__partenaire=partenaire)
    if annee is not None:
        debut, fin = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
        # exit + 6 months in the year <=> exit from 1 July of the year before to 30 June of the year
        qs = qs.filter(Q(date_entree__range=(debut, fin)) | Q(sortie_date__range=(debut, fin))
                       | Q(sortie_date__range=(datetime.date(annee - 1, 7, 1), datetime.date(annee, 6, 30))))
    return qs.order_by("operation__reference", "date_entree", "participant__code", "pk")


def manques_entree(participation) -> list[str]:
    """The entry fields still blank (names of the model's fields)."""
    champs = ["situation_entree", "niveau_education", *SENSIBLES]
    return [c for c in champs if not getattr(participation, c)]


def _manques(participation, aujourd_hui: datetime.date, *, preavis: datetime.timedelta) -> list[tuple[str, datetime.date]]:
    """(kind, due date) of each kind of data missing and expected by aujourd_hui + preavis, for a row of
    `participations` (its exit annotated)."""
    manques = []
    if manques_entree(participation):
        manques.append((ENTREE, participation.date_entree + DELAI_SAISIE))
    sortie_date = participation.sortie_date
    if sortie_date is not None and sortie_date <= aujourd_hui:
        if any(getattr(participation, c) is None for c in QUESTIONS_SORTIE):
            manques.append((SORTIE, sortie_date + DELAI_SAISIE))
        six_mois = add_months(sortie_date, 6)
        if six_mois <= aujourd_hui + preavis and (
                not participation.categorie_6_mois or participation.situation_amelioree_6_mois is None):
            manques.append((SIX_MOIS, six_mois + DELAI_SAISIE))
    return manques


def incomplet(participation, aujourd_hui: datetime.date) -> bool:
    """Are data expected by today missing (entry; exit once recorded; 6 months once exit + 6 months is past)?
    `participation`: a row of `participations` (its exit annotated)."""
    return bool(_manques(participation, aujourd_hui, preavis=datetime.timedelta(0)))


@dataclass
class Manque:
    participation: ParticipationFSE
    manques: list[str] = field(default_factory=list)  # among "entrée", "sortie", "6 mois"
    echeance: datetime.date | None = None  # the earliest due date of what is missing
    en_retard: bool = False


def a_completer(*, aujourd_hui: datetime.date, operation=None) -> list[Manque]:
    """Participations with data missing or soon due, the earliest due date first."""
    resultat = []
    for participation in participations(operation=operation):
        manques = _manques(participation, aujourd_hui, preavis=PREAVIS_6_MOIS)
        if not manques:
            continue
        echeance = min(d for _k, d in manques)
        resultat.append(Manque(participation=participation, manques=[k for k, _d in manques], echeance=echeance,
                               en_retard=echeance < aujourd_hui))
    resultat.sort(key=lambda m: (m.echeance, m.participation.participant.code, m.participation.pk))
    return resultat
