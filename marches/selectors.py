"""Reads on contracts and companies used by views and exports."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from core.models import ImportJournal
from core.perms import restricted_organisation

from .enums import RoleEntreprise
from .models import Attribution, Entreprise, Marche, SeuilEuropeen


def titulaires_prefetch():
    return Prefetch(
        "attributions",
        queryset=Attribution.objects.filter(role=RoleEntreprise.TITULAIRE).select_related("entreprise")
        .order_by("id"),
        to_attr="titulaires_list",
    )


def marche_list(*, user):
    """Contracts a user may read, with what the list and exports show, in a fixed number of queries."""
    return (
        Marche.objects.visibles_par(user)
        .select_related("acheteur", "direction", "famille")
        .prefetch_related(titulaires_prefetch())
    )


def marche_search(queryset, text: str):
    """Full-text search on object, identifier, companies' names and SIRETs (case and accents ignored),
    on the normalised column `recherche` (see marches.search; trigram-indexed on PostgreSQL)."""
    from .search import terme

    term = terme(text)
    if not term:
        return queryset
    return queryset.filter(recherche__contains=term)


def marche_detail(*, user, pk):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Marche.objects.visibles_par(user).select_related("acheteur", "direction", "famille"), pk=pk
    )


def entreprise_list(*, user):
    qs = Entreprise.objects.all()
    org = restricted_organisation(user)
    if user.role == "partenaire":
        if org is None:
            return qs.none()
        qs = qs.filter(Exists(Attribution.objects.filter(entreprise=OuterRef("pk"), marche__acheteur=org)))
    return qs


def entreprise_marches(*, user, entreprise):
    return (
        Marche.objects.visibles_par(user).filter(attributions__entreprise=entreprise)
        .select_related("acheteur").distinct().order_by("-date_notification", "-id")
    )


def entreprise_search(queryset, *, q: str = "", type_structure: str | None = None):
    """Companies by name, searched by name, SIRET start (spaces ignored) or postcode start, and by type."""
    qs = queryset.order_by("nom", "id")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(nom__icontains=q) | Q(siret__startswith="".join(q.split())) | Q(code_postal__startswith=q))
    if type_structure:
        qs = qs.filter(type_structure=type_structure)
    return qs


def seuil_list():
    return SeuilEuropeen.objects.all()


def import_journal_list(limit: int = 100):
    """The latest DECP and register imports (the journal page; core.ImportJournal is every import's journal)."""
    return ImportJournal.objects.filter(format__in=ImportJournal.MARCHES).select_related("user") \
        .order_by("-created_at")[:limit]
