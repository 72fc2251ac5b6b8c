"""Reads on clauses used by views, the advisor and exports."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .models import (
    ClauseMarche,
    ClauseModele,
    Diagnostic,
    DiagnosticQuestion,
    FamilleAchat,
)


def _cpv_digits(code_cpv: str) -> str:
    """'45.21-1' or '45211000-9' -> '45211000' (the check digit after the dash is dropped)."""
    code = (code_cpv or "").split("-")[0]
    return "".join(ch for ch in code if ch.isdigit())


def familles_prefixes() -> list[tuple[str, FamilleAchat]]:
    """(prefix, family) of the active families, longest prefix first: load once, match many (imports)."""
    pairs = []
    for famille in FamilleAchat.objects.filter(is_active=True):
        for prefix in famille.prefixes_cpv or []:
            digits = _cpv_digits(str(prefix))
            if digits:
                pairs.append((digits, famille))
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def famille_pour_cpv(code_cpv: str, *, prefixes: list | None = None):
    """The active family whose CPV prefix is the longest match of `code_cpv`, or None. For many codes, pass
    `prefixes=familles_prefixes()` computed once."""
    digits = _cpv_digits(code_cpv)
    if not digits:
        return None
    for prefix, famille in prefixes if prefixes is not None else familles_prefixes():
        if digits.startswith(prefix):
            return famille
    return None


def famille_id_matcher():
    """The one CPV -> purchase family rule for many codes (imports): a function code -> active family id (or None),
    the families loaded once (famille_pour_cpv's longest prefix)."""
    prefixes = familles_prefixes()

    def match(code_cpv: str):
        famille = famille_pour_cpv(code_cpv, prefixes=prefixes)
        return famille.pk if famille is not None else None

    return match


def _nombre(related, famille_field: str):
    """Per family, the number of `related` rows pointing at it: a correlated COUNT (an index scan of the family's
    rows), not a join of every row grouped afterwards. Two such counts joined in one GROUP BY would multiply each
    other's rows (100,000 contracts × the family's model clauses at national scale)."""
    return Coalesce(Subquery(
        related.objects.filter(**{famille_field: OuterRef("pk")}).order_by().values(famille_field)
        .annotate(n=Count("*")).values("n")[:1], output_field=IntegerField()), Value(0))


def famille_list(*, actives=None):
    """Families by name, each with its number of contracts (nb_marches) and of model clauses (nb_clauses)."""
    marches = FamilleAchat._meta.get_field("marches").related_model  # marches.Marche: this app does not import it
    qs = FamilleAchat.objects.annotate(
        nb_marches=_nombre(marches, "famille"),
        nb_clauses=_nombre(ClauseModele.familles.through, "familleachat"),
    ).order_by("nom")
    if actives is not None:
        qs = qs.filter(is_active=actives)
    return qs


def clause_modele_list(*, type_clause="", famille_id=None, statut="actives", q=""):
    qs = ClauseModele.objects.prefetch_related("familles").annotate(nb_versions=Count("versions", distinct=True))
    if type_clause:
        qs = qs.filter(type_clause=type_clause)
    if famille_id:
        qs = qs.filter(Q(familles__id=famille_id) | Q(familles__isnull=True)).distinct()
    if statut == "actives":
        qs = qs.filter(is_active=True)
    elif statut == "archivees":
        qs = qs.filter(is_active=False)
    if q:
        qs = qs.filter(Q(titre__icontains=q) | Q(versions__texte__icontains=q)).distinct()
    return qs.order_by("type_clause", "titre")


def clauses_modeles_pour(*, type_clause: str, famille=None):
    """Active model clauses of a type that suit a family (those tied to it first, then the general ones)."""
    qs = ClauseModele.objects.filter(is_active=True, type_clause=type_clause)
    if famille is not None:
        qs = qs.filter(Q(familles=famille) | Q(familles__isnull=True)).distinct()
    else:
        qs = qs.filter(familles__isnull=True)
    return list(qs.order_by("titre"))


def clauses_du_marche(marche):
    from django.db.models import Max

    return (
        ClauseMarche.objects.filter(marche=marche)
        .select_related("lot", "version__modele")
        .annotate(derniere_version=Max("version__modele__versions__numero"))
        .order_by("lot__numero", "type_clause", "id")
    )


def diagnostic_questions():
    """The active grid, in the SPASER's order of axes: social, environmental, ESS."""
    from .enums import AxeDiagnostic

    rank = {axe: i for i, axe in enumerate(AxeDiagnostic.values)}
    questions = DiagnosticQuestion.objects.filter(is_active=True)
    return sorted(questions, key=lambda q: (rank.get(q.axe, 99), q.ordre, q.pk))


def diagnostic_scores(diagnostic) -> dict:
    """{axe: score in % of the maximum (0-100), or None when no answer}."""
    totals = {}
    for reponse in diagnostic.reponses.all():
        axe = reponse.question.axe
        total, count = totals.get(axe, (0, 0))
        totals[axe] = (total + reponse.note, count + 1)
    return {axe: round(100 * total / (3 * count)) if count else None for axe, (total, count) in totals.items()}


def diagnostics_de_famille(famille):
    return list(
        Diagnostic.objects.filter(famille=famille)
        .prefetch_related("reponses__question")
        .order_by("annee")
    )


def marches_a_examiner(marches, user, *, limit: int = 10):
    """Of `marches` (the contracts the user sees, given by the caller: this app does not import marches),
    those without any clause recorded, most recent launch first (a buyer: those of their direction), those
    missing a 2026 obligation first.

    Two reads, the non-compliant ones then the others, each in launch order: an index on (date_lancement, id)
    gives the first `limit` of each without sorting every contract without clause (66,000 at national scale)."""
    qs = marches.filter(~Exists(ClauseMarche.objects.filter(marche=OuterRef("pk")))).exclude(origine="decp")
    if user.role == "acheteur" and user.direction_id:
        qs = qs.filter(direction_id=user.direction_id)
    qs = qs.select_related("famille").order_by("-date_lancement", "-id")
    non_conformes = list(qs.filter(statut_conformite="non_conforme")[:limit])
    if len(non_conformes) == limit:  # the others would not show
        return non_conformes
    return non_conformes + list(qs.exclude(statut_conformite="non_conforme")[:limit - len(non_conformes)])


# --- Reads moved out of the views (views/*.py call these) -----------------------------------------------


def nb_clauses_modeles_par_type() -> dict:
    """{type_clause: number of active model clauses}."""
    return dict(ClauseModele.objects.filter(is_active=True).values_list("type_clause").annotate(n=Count("id")))


def derniers_diagnostics(*, avec_famille: bool = False) -> dict:
    """{famille_id: (its latest self-diagnosis, its scores)}; avec_famille: each with its family, families by
    name."""
    diagnostics = Diagnostic.objects.prefetch_related("reponses__question")
    if avec_famille:
        diagnostics = diagnostics.select_related("famille").order_by("famille__nom", "-annee")
    else:
        diagnostics = diagnostics.order_by("famille_id", "-annee")
    derniers = {}
    for diagnostic in diagnostics:
        derniers.setdefault(diagnostic.famille_id, (diagnostic, diagnostic_scores(diagnostic)))
    return derniers


def clauses_des_marches(marches, **filtres):
    """The clauses (of `filtres`) of these contracts (a queryset). When they are every contract (the user sees them
    all), the clauses are read without testing each one's contract: counting them takes 11 ms instead of 35, their
    distinct contracts 10 ms instead of 80, at national scale."""
    clauses = ClauseMarche.objects.filter(**filtres)
    if not marches.query.where:
        return clauses
    return clauses.filter(marche__in=marches)


def nb_clauses_des_marches(marches) -> int:
    """How many clauses these contracts (a queryset) carry."""
    return clauses_des_marches(marches).count()


def clauses_modeles_de_famille(famille):
    return famille.clauses_modeles.filter(is_active=True).order_by("type_clause", "titre")


def familles_actives():
    return FamilleAchat.objects.filter(is_active=True)


def famille_ou_rien(pk):
    return FamilleAchat.objects.filter(pk=pk).first()


def versions_du_modele(modele) -> list:
    """The model clause's versions, latest first, each with its number of uses (nb_usages)."""
    return list(modele.versions.select_related("created_by").annotate(nb_usages=Count("usages")))


def clauses_modeles_actives():
    return ClauseModele.objects.filter(is_active=True).order_by("type_clause", "titre")


def diagnostic_de(famille, annee: int):
    """The family's self-diagnosis of that year (None when not entered)."""
    return Diagnostic.objects.filter(famille=famille, annee=annee).first()


def diagnostic_precedent(famille, annee: int):
    """The family's latest self-diagnosis before that year (None when none)."""
    return Diagnostic.objects.filter(famille=famille, annee__lt=annee).order_by("-annee").first()
