"""Reads on contracts and companies used by views and exports."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Window
from django.utils import timezone

from clauses.advisor import SEUIL_DECP
from core.models import ImportJournal
from core.perms import restricted_organisation

from .enums import RoleEntreprise, StatutConformite
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


# --- A buyer's to-do list (core home) -------------------------------------------------------------------------

DECP_SEUIL_HT = SEUIL_DECP  # contracts of 40 000 € HT or more are published in DECP (since 1 Jan 2024)
DECP_DEPUIS = datetime.date(2024, 1, 1)
A_FAIRE_LIMITE = 5


def _decp_incomplet() -> Q:
    """What the DECP export refuses a contract for (marches.decp._marche_decp), as one SQL condition on the
    contract's own columns: the companies and the amendments are checked by the export itself."""
    return (Q(code_cpv="") | Q(procedure="") | Q(montant_ht__isnull=True) | Q(duree_mois__isnull=True)
            | Q(offres_recues__isnull=True) | Q(offres_recues=0) | Q(lieu_code="") | Q(forme_prix="")
            | Q(types_prix=[]) | ~Exists(Attribution.objects.filter(marche=OuterRef("pk"),
                                                                     role=RoleEntreprise.TITULAIRE)))


@dataclass(frozen=True)
class ListeAFaire:
    """A to-do list of the home page: how many, and the first few."""

    nombre: int
    premiers: list


# What templates/core/_a_faire_marches.html shows of a contract.
A_FAIRE_COLONNES = ("identifiant", "objet", "manquements", "updated_at", "date_notification")


def _liste(queryset, ordre) -> ListeAFaire:
    """The first rows and the number of all, in one query: COUNT(*) OVER () is computed before the LIMIT (no row:
    none to show, and 0)."""
    premiers = list(queryset.only(*A_FAIRE_COLONNES).annotate(nombre_total=Window(Count("pk")))
                    .order_by(*ordre)[:A_FAIRE_LIMITE])
    return ListeAFaire(nombre=premiers[0].nombre_total if premiers else 0, premiers=premiers)


def marches_de_l_acheteur(*, user):
    """The contracts a buyer answers for: its direction's, or its organisation's when it has no direction."""
    qs = Marche.objects.all()
    if user.direction_id:
        return qs.filter(direction_id=user.direction_id)
    if user.organisation_id:
        return qs.filter(acheteur_id=user.organisation_id)
    return qs.none()


def acheteur_a_faire(*, user, today: datetime.date | None = None) -> dict[str, ListeAFaire]:
    """What a buyer has to do now, each list counted (indexed columns) and cut to its first A_FAIRE_LIMITE:
    contracts missing a 2026 obligation, drafts to finish (not notified yet), notified contracts whose DECP
    data are incomplete, and complete ones not yet published."""
    today = today or timezone.localdate()
    mes = marches_de_l_acheteur(user=user)
    publiables = mes.filter(date_notification__gte=DECP_DEPUIS, montant_ht__gte=DECP_SEUIL_HT)
    return {
        "non_conformes": _liste(mes.filter(statut_conformite=StatutConformite.NON_CONFORME),
                                ("-date_notification", "-id")),
        "brouillons": _liste(mes.filter(date_notification__isnull=True), ("-updated_at", "-id")),
        "decp_incomplets": _liste(publiables.filter(_decp_incomplet()), ("date_notification", "id")),
        "decp_a_publier": _liste(publiables.filter(date_publication_donnees__isnull=True,
                                                   date_notification__lte=today).exclude(_decp_incomplet()),
                                 ("date_notification", "id")),
    }
