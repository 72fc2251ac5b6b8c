"""Reads of the examinations: lists per user, what waits for each role, contracts launched without an
examination, the figures (examens.resultats.ChiffresExamens)."""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from clauses.selectors import clauses_modeles_pour
from core.enums import Role, TypeOrganisation
from core.perms import has_role
from marches.compliance import examens_depuis
from marches.models import Marche

from .enums import MotifNonRetenu, StatutExamen
from .models import Examen
from .perms import filtre_visibles
from .regles import delais_jours, mediane, moyenne, part
from .resultats import ChiffresExamens, LigneMotif

LIMITE_A_FAIRE = 8
BUYERS_SUIVIS = (TypeOrganisation.INSTANCE, TypeOrganisation.PARTENAIRE)


def _base():
    return Examen.objects.select_related("marche__acheteur", "marche__direction", "marche__famille")


def examens_visibles(user):
    condition = filtre_visibles(user)
    if condition is None:
        return Examen.objects.none()
    return _base().filter(condition)


def examen_list(*, user, statut: str = "", q: str = ""):
    qs = examens_visibles(user)
    if statut in StatutExamen.values:
        qs = qs.filter(statut=statut)
    if q:
        qs = qs.filter(Q(marche__objet__icontains=q) | Q(marche__identifiant__icontains=q))
    return qs.order_by("date_lancement_prevue", "pk")


def examen_detail(*, user, pk):
    return examens_visibles(user).filter(pk=pk).first()


def examen_de_marche(marche):
    return Examen.objects.filter(marche=marche).first()


def decide_avant_lancement(marche_ref: str = "pk", lancement_ref: str = "date_lancement") -> Exists:
    """The SQL shape of marches.compliance.examen_manquant's condition "an examination was decided on or before
    the launch date" (tests/examens/test_chiffres.py checks that both agree)."""
    return Exists(Examen.objects.filter(marche=OuterRef(marche_ref), decide_le__isnull=False,
                                        decide_le__date__lte=OuterRef(lancement_ref)))


def lances_sans_examen(marches=None, *, today: datetime.date | None = None):
    """Contracts of the instance and its partners whose consultation was launched (from the date examinations
    started, on or before today) without an examination decided by then: marches.compliance.examen_manquant."""
    today = today or timezone.localdate()
    qs = Marche.objects.all() if marches is None else marches
    return (qs.filter(acheteur__type__in=BUYERS_SUIVIS, date_lancement__gte=examens_depuis(),
                      date_lancement__lte=today)
            .exclude(decide_avant_lancement()))


def marches_a_examiner(user, *, today: datetime.date | None = None):
    """Contracts in preparation (not notified, not launched yet) of the buyer's direction without an
    examination: the buyer should open one."""
    today = today or timezone.localdate()
    qs = Marche.objects.filter(acheteur__type__in=BUYERS_SUIVIS, date_notification__isnull=True,
                               examen__isnull=True).filter(Q(date_lancement__isnull=True) |
                                                           Q(date_lancement__gt=today))
    if has_role(user, Role.ACHETEUR):
        qs = qs.filter(direction_id=user.direction_id) if user.direction_id else qs.none()
    elif not has_role(user, Role.DCP, Role.ADMIN):
        return qs.none()
    return qs.select_related("acheteur").order_by(F("date_lancement").asc(nulls_last=True), "pk")


def _attend(user):
    """The step of an examination that waits for this user's role (None: nothing waits for the role)."""
    if has_role(user, Role.FACILITATEUR):
        return StatutExamen.AVIS
    if has_role(user, Role.DCP):
        return StatutExamen.DECISION
    if has_role(user, Role.ACHETEUR):
        return StatutExamen.LANCEMENT
    return None


def a_faire(user, *, today: datetime.date | None = None, limite: int = LIMITE_A_FAIRE) -> dict:
    """What waits for the user on their home page, the launch date as deadline (earliest first): the
    examinations at their step, the contracts to examine (buyers), the contracts launched without an
    examination (DCP). Counts and the first `limite` rows."""
    today = today or timezone.localdate()
    result = {"examens": [], "nb_examens": 0, "a_ouvrir": [], "nb_a_ouvrir": 0, "sans_examen": [],
              "nb_sans_examen": 0, "today": today, "etape": None}
    etape = _attend(user)
    if etape is None:
        return result
    result["etape"] = StatutExamen(etape).label
    examens = examens_visibles(user).filter(statut=etape).order_by("date_lancement_prevue", "pk")
    result["nb_examens"] = examens.count()
    result["examens"] = list(examens[:limite]) if result["nb_examens"] else []
    if has_role(user, Role.ACHETEUR, Role.DCP):
        a_ouvrir = marches_a_examiner(user, today=today)
        result["nb_a_ouvrir"] = a_ouvrir.count()
        result["a_ouvrir"] = list(a_ouvrir[:limite]) if result["nb_a_ouvrir"] else []
    if has_role(user, Role.DCP):
        sans = lances_sans_examen(today=today).select_related("acheteur").order_by("-date_lancement", "pk")
        result["nb_sans_examen"] = sans.count()
        result["sans_examen"] = list(sans[:limite]) if result["nb_sans_examen"] else []
    return result


def modele_pour(*, type_clause: str, famille):
    """The model clause (clausier) a decided clause uses: the family's first active one of that kind, if any."""
    modeles = clauses_modeles_pour(type_clause=type_clause, famille=famille)
    return modeles[0] if modeles else None


def examens_chiffres(*, marches, annee: int, today: datetime.date | None = None) -> ChiffresExamens:
    """The figures of the examinations of these contracts (a Marche queryset: the scope) for `annee`; see
    examens.resultats for the two populations. A fixed number of queries."""
    annee = int(annee)
    today = today or timezone.localdate()
    debut, fin = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    lances_qs = marches.filter(date_lancement__range=(max(debut, examens_depuis()), min(fin, today)))
    lances = lances_qs.aggregate(n=Count("pk"), examines=Count("pk", filter=decide_avant_lancement()))
    decides = Examen.objects.filter(marche__in=marches, decide_le__isnull=False, decide_le__year=annee)
    agg = decides.aggregate(
        n=Count("pk"), suggeres=Count("pk", filter=Q(conseil_clause_sociale=True)),
        proposes=Count("pk", filter=Q(avis_clause=True)), retenus=Count("pk", filter=Q(sociale_retenue=True)))
    par_motif = dict(decides.filter(sociale_retenue=False).order_by().values_list("motif_non_retenu")
                     .annotate(n=Count("pk")).values_list("motif_non_retenu", "n"))
    delais = delais_jours(decides.values_list("ouvert_le", "decide_le"))
    non_retenus = agg["n"] - agg["retenus"]
    motifs = tuple(LigneMotif(m.value, m.label, par_motif.get(m.value, 0)) for m in MotifNonRetenu)
    sans_motif = non_retenus - sum(ligne.nombre for ligne in motifs)
    if sans_motif:
        motifs += (LigneMotif("", "Non renseigné", sans_motif),)
    return ChiffresExamens(
        annee=annee, lances=lances["n"], lances_examines=lances["examines"],
        part_examines=part(lances["examines"], lances["n"]), decides=agg["n"], suggeres=agg["suggeres"],
        proposes=agg["proposes"], part_proposes=part(agg["proposes"], agg["n"]), retenus=agg["retenus"],
        part_retenus=part(agg["retenus"], agg["n"]), non_retenus=non_retenus, motifs=motifs,
        delai_moyen_jours=moyenne(delais), delai_median_jours=mediane(delais),
    )


def marches_du_perimetre(*, acheteur=None):
    """The contracts of the examinations' page: one buyer's (default: the instance's own)."""
    if acheteur is not None:
        return Marche.objects.filter(acheteur=acheteur)
    return Marche.objects.filter(acheteur__type=TypeOrganisation.INSTANCE)


def en_cours(user) -> dict:
    """How many examinations wait at each step (those the user may read; élus: all, as counts only)."""
    qs = Examen.objects.all() if has_role(user, Role.ELU) else examens_visibles(user)
    compte = dict(qs.order_by().values_list("statut").annotate(n=Count("pk")).values_list("statut", "n"))
    return {s.value: compte.get(s.value, 0) for s in StatutExamen}
