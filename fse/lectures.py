"""The reads of the FSE+ pages (lists of operations and participations, a participation's exit). The figures
and the completeness rules live in fse.selectors and fse.indicateurs; this module only fetches what the pages
show, each list in a fixed number of queries whatever its length."""

from django.db.models import Count, Prefetch, Q, QuerySet

from facilitateurs.models import Convention, Sortie

from .models import OperationFSE, ParticipationFSE


def operations(*, q: str = "") -> QuerySet:
    """Operations with their number of participants (one query), newest first; `q` searches the reference and
    the title."""
    qs = OperationFSE.objects.annotate(nb_participants=Count("participations", distinct=True))
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(intitule__icontains=q))
    return qs.order_by("-date_debut", "reference")


def operation_detail(pk) -> OperationFSE | None:
    return OperationFSE.objects.filter(pk=pk).prefetch_related(
        Prefetch("conventions", queryset=Convention.objects.select_related("partenaire").order_by("intitule")),
        "facilitateurs").first()


def participations_de(operation) -> QuerySet:
    """The participations of an operation, by entry date then code, with their participant, convention and the
    participant's exits (one query each, whatever the number of rows)."""
    return (operation.participations.select_related("participant", "convention")
            .prefetch_related(Prefetch("participant__sorties", queryset=Sortie.objects.order_by("date_sortie", "pk")))
            .order_by("date_entree", "participant__code", "pk"))


def participation(pk) -> ParticipationFSE | None:
    return (ParticipationFSE.objects.select_related("operation", "participant", "convention__partenaire")
            .prefetch_related(Prefetch("participant__sorties", queryset=Sortie.objects.order_by("date_sortie", "pk")))
            .filter(pk=pk).first())


def sortie_de(participation) -> Sortie | None:
    """The participant's exit from this participation: the first Sortie on or after the entry date (from the
    prefetched exits)."""
    sorties = [s for s in participation.participant.sorties.all() if s.date_sortie >= participation.date_entree]
    return min(sorties, key=lambda s: (s.date_sortie, s.pk), default=None)
