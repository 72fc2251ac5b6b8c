"""Reads of the facilitators' app: the hours rules, progress per contract, the follow-up alerts.

Hours rules (settings.SPASER, see config/settings/base.py):
- sub- or co-contracting to an SIAE (modalities SOUS_TRAITANCE_SIAE, CO_TRAITANCE_SIAE) is counted in euros:
  `montant_ht` ÷ SOUS_TRAITANCE_EUROS_PAR_HEURE hours (a row with no amount counts its `heures` as entered);
- training hours (FORMATION) count for at most FORMATION_PART_MAX × the contract's required hours
  (no cap when the contract has no required hours);
- required hours of a contract = sum of `ClauseMarche.heures_requises` of its insertion clauses.

For lists and the bilans: `heures_realisees_par_marche(marche_ids)` returns {marche_id: Decimal} in ONE query;
`avancement_par_marche(marche_ids)` adds required hours, pace, forecast and status (still one query).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from clauses.enums import TypeClause
from clauses.models import ClauseMarche
from clauses.selectors import clauses_des_marches
from core.enums import Role
from core.models import ImportJournal
from core.perms import can_see_identite, restricted_organisation
from marches.enums import RoleEntreprise
from marches.models import Attribution, Entreprise, Marche

from .enums import Modalite
from .models import (
    ActionSuivi,
    Convention,
    Eligibilite,
    HeuresMensuelles,
    IdentiteParticipant,
    MiseEnEmploi,
    Participant,
    Sortie,
)
from .services import add_months

MODALITES_EN_EUROS = (Modalite.SOUS_TRAITANCE_SIAE, Modalite.CO_TRAITANCE_SIAE)
ZERO = Decimal("0")
TOLERANCE = Decimal("0.10")  # within ±10 % of the expected pace: "dans les temps"

EN_AVANCE, DANS_LES_TEMPS, EN_RETARD, SANS_OBJECTIF = "en_avance", "dans_les_temps", "en_retard", "sans_objectif"
STATUT_LIBELLES = {EN_AVANCE: "En avance", DANS_LES_TEMPS: "Dans les temps", EN_RETARD: "En retard",
                   SANS_OBJECTIF: "Sans heures requises"}


def taux_sous_traitance() -> Decimal:
    return Decimal(str(settings.SPASER["SOUS_TRAITANCE_EUROS_PAR_HEURE"]))


def part_max_formation() -> Decimal:
    return Decimal(str(settings.SPASER["FORMATION_PART_MAX"]))


def euros_en_heures(montant_ht, taux: Decimal | None = None) -> Decimal:
    """3 000 € sub-contracted at 30 €/h = 100 h."""
    taux = taux if taux is not None else taux_sous_traitance()
    if not montant_ht or not taux:
        return ZERO
    return Decimal(montant_ht) / Decimal(taux)


def heures_formation_comptees(heures_formation, heures_requises, part_max: Decimal | None = None) -> Decimal:
    """Training hours, capped at part_max × required hours (uncapped when nothing is required)."""
    part_max = part_max if part_max is not None else part_max_formation()
    heures_formation = Decimal(heures_formation or 0)
    heures_requises = Decimal(heures_requises or 0)
    if heures_requises <= 0:
        return heures_formation
    return min(heures_formation, heures_requises * part_max)


def plafond_formation(marche_ref, part_max: Decimal | None = None) -> Subquery:
    """ORM expression: the training cap of the contract `marche_ref` points at (an OuterRef), i.e. part_max × its
    required hours; NULL (no cap) when it requires no hours."""
    part_max = part_max if part_max is not None else part_max_formation()
    decimal = DecimalField(max_digits=20, decimal_places=6)
    return Subquery(
        ClauseMarche.objects.filter(marche_id=marche_ref, type_clause=TypeClause.INSERTION).order_by().values("marche_id")
        .annotate(total=Sum("heures_requises")).filter(total__gt=0)
        .annotate(plafond=ExpressionWrapper(F("total") * Value(part_max, output_field=decimal), output_field=decimal))
        .values("plafond")[:1],
        output_field=decimal,
    )


def formation_plafonnee(declarees, plafond):
    """ORM expression of `heures_formation_comptees` (the training cap, for the bilans' aggregates): the training
    hours `declarees` on a contract, at most its `plafond` (plafond_formation; NULL: no cap). LEAST ignores a NULL
    on PostgreSQL and returns NULL on SQLite: the COALESCE gives the declared hours in both."""
    return Coalesce(Least(declarees, plafond), declarees, output_field=DecimalField(max_digits=20, decimal_places=6))


def heures_comptees(*, heures_directes=ZERO, heures_formation=ZERO, montant_euros=ZERO, heures_euros_sans_montant=ZERO,
                    heures_requises=ZERO, taux: Decimal | None = None, part_max: Decimal | None = None) -> Decimal:
    """The hours that count toward a clause, from the four sums of a contract's monthly rows."""
    total = (Decimal(heures_directes or 0) + euros_en_heures(montant_euros, taux) + Decimal(heures_euros_sans_montant or 0)
             + heures_formation_comptees(heures_formation, heures_requises, part_max))
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class _Divisible(Func):
    """An amount ready to be divided: as it is on PostgreSQL (numeric); a REAL on SQLite, which stores a whole
    amount as an integer and divides integers (1 000 / 30 = 33 instead of 33,33)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra_context)


def euros_en_heures_sql(montant):
    """SQL expression of `euros_en_heures`: an amount (an expression) converted to hours at the setting's rate."""
    return (_Divisible(montant, output_field=DecimalField(max_digits=20, decimal_places=6))
            / Value(taux_sous_traitance(), output_field=DecimalField(max_digits=20, decimal_places=6)))


def centiemes_sql(somme):
    """SQL expression: a sum kept in hundredths (facilitateurs.resumes) back in hours or euros."""
    return (_Divisible(somme, output_field=DecimalField(max_digits=24, decimal_places=6))
            / Value(Decimal(100), output_field=DecimalField(max_digits=24, decimal_places=6)))


def heures_effectives():
    """SQL expression of `heure_ligne` (before the training cap): the hours a monthly row counts for, amounts
    sub- or co-contracted to an SIAE converted to hours. The bilans' aggregates use it."""
    return Case(
        When(modalite__in=MODALITES_EN_EUROS, montant_ht__isnull=False,
             then=euros_en_heures_sql(F("montant_ht"))),
        default=F("heures"),
        output_field=DecimalField(max_digits=20, decimal_places=6),
    )


def heure_ligne(row: HeuresMensuelles, taux: Decimal | None = None) -> Decimal:
    """Hours of one monthly row before the training cap (which applies per contract)."""
    if row.modalite in MODALITES_EN_EUROS and row.montant_ht is not None:
        return euros_en_heures(row.montant_ht, taux)
    return Decimal(row.heures or 0)


def _decimal_sum(expression, condition):
    return Coalesce(Sum(expression, filter=condition), Value(ZERO), output_field=DecimalField(max_digits=14,
                                                                                              decimal_places=2))


def heures_requises_subquery():
    return Subquery(
        ClauseMarche.objects.filter(marche=OuterRef("pk"), type_clause=TypeClause.INSERTION)
        .values("marche").annotate(total=Sum("heures_requises")).values("total")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


class _UneFoisParMarche(ExpressionWrapper):
    """A subquery on the grouped contract's own id, left out of the GROUP BY: computed once per contract. In the
    GROUP BY, PostgreSQL evaluates it for every joined hour row (216,000 times for 3,000 contracts)."""

    def get_group_by_cols(self):
        return []


def _sommes_heures(marches, *fields):
    """One query: for each contract, the four hour sums and the required hours."""
    en_euros = Q(heures__modalite__in=MODALITES_EN_EUROS)
    return marches.order_by().values("pk", *fields).annotate(
        heures_directes=_decimal_sum("heures__heures", ~en_euros & ~Q(heures__modalite=Modalite.FORMATION)),
        heures_formation=_decimal_sum("heures__heures", Q(heures__modalite=Modalite.FORMATION)),
        montant_euros=_decimal_sum("heures__montant_ht", en_euros & Q(heures__montant_ht__isnull=False)),
        heures_euros_sans_montant=_decimal_sum("heures__heures", en_euros & Q(heures__montant_ht__isnull=True)),
        heures_requises=_UneFoisParMarche(Coalesce(heures_requises_subquery(), Value(ZERO)),
                                          output_field=DecimalField(max_digits=14, decimal_places=2)),
    )


def _marches(marche_ids):
    if isinstance(marche_ids, QuerySet):
        return marche_ids
    return Marche.objects.filter(pk__in=list(marche_ids))


def heures_realisees_par_marche(marche_ids) -> dict[int, Decimal]:
    """{marche_id: realised hours counted toward the clause} in ONE query, with the rules above
    (euros → hours for SIAE sub-/co-contracting, training cap). `marche_ids`: ids or a Marche queryset.
    Contracts without any hours are present with 0."""
    taux, part_max = taux_sous_traitance(), part_max_formation()
    result = {}
    for row in _sommes_heures(_marches(marche_ids)):
        result[row["pk"]] = heures_comptees(
            heures_directes=row["heures_directes"], heures_formation=row["heures_formation"],
            montant_euros=row["montant_euros"], heures_euros_sans_montant=row["heures_euros_sans_montant"],
            heures_requises=row["heures_requises"], taux=taux, part_max=part_max,
        )
    return result


@dataclass
class Avancement:
    requises: Decimal
    realisees: Decimal
    attendues: Decimal  # expected by today, pro rata of the elapsed duration
    prevision: Decimal | None  # forecast at the end date (linear extrapolation)
    part_ecoulee: Decimal  # 0..1
    statut: str

    @property
    def taux(self) -> Decimal | None:
        return self.realisees / self.requises if self.requises else None

    @property
    def statut_libelle(self) -> str:
        return STATUT_LIBELLES[self.statut]

    @property
    def en_retard(self) -> bool:
        return self.statut == EN_RETARD


def part_ecoulee(date_debut, date_fin, today: datetime.date) -> Decimal:
    if not date_debut or today < date_debut:
        return ZERO
    if not date_fin or date_fin <= date_debut:
        return Decimal("1") if date_fin and today >= date_fin else ZERO
    if today >= date_fin:
        return Decimal("1")
    return Decimal((today - date_debut).days) / Decimal((date_fin - date_debut).days)


def avancement(*, requises, realisees, date_debut, date_fin, today: datetime.date | None = None) -> Avancement:
    """Expected pace = required × elapsed share; forecast = realised ÷ elapsed share; status within ±10 %."""
    today = today or timezone.localdate()
    requises, realisees = Decimal(requises or 0), Decimal(realisees or 0)
    part = part_ecoulee(date_debut, date_fin, today)
    attendues = (requises * part).quantize(Decimal("0.01"))
    prevision = (realisees / part).quantize(Decimal("0.01")) if part > 0 else None
    if requises <= 0:
        statut = SANS_OBJECTIF
    elif attendues <= 0:
        statut = EN_AVANCE if realisees > 0 else DANS_LES_TEMPS
    elif realisees < attendues * (1 - TOLERANCE):
        statut = EN_RETARD
    elif realisees > attendues * (1 + TOLERANCE):
        statut = EN_AVANCE
    else:
        statut = DANS_LES_TEMPS
    return Avancement(requises=requises, realisees=realisees, attendues=attendues, prevision=prevision,
                      part_ecoulee=part, statut=statut)


def avancement_par_marche(marches, today: datetime.date | None = None) -> dict[int, Avancement]:
    """{marche_id: Avancement} for a Marche queryset, in one query (two with the dates)."""
    today = today or timezone.localdate()
    taux, part_max = taux_sous_traitance(), part_max_formation()
    rows = list(_sommes_heures(marches, "date_debut", "date_fin"))
    result = {}
    for row in rows:
        realisees = heures_comptees(
            heures_directes=row["heures_directes"], heures_formation=row["heures_formation"],
            montant_euros=row["montant_euros"], heures_euros_sans_montant=row["heures_euros_sans_montant"],
            heures_requises=row["heures_requises"], taux=taux, part_max=part_max)
        result[row["pk"]] = avancement(requises=row["heures_requises"], realisees=realisees,
                                       date_debut=row["date_debut"], date_fin=row["date_fin"], today=today)
    return result


def marches_avec_insertion(user):
    """Contracts with an insertion clause the user may read."""
    return Marche.objects.visibles_par(user).filter(
        Exists(ClauseMarche.objects.filter(marche=OuterRef("pk"), type_clause=TypeClause.INSERTION)))


def detail_heures_marche(marche) -> dict:
    """Hours of one contract by modality, by company and by month (hours counted, before the training cap),
    and the number of distinct participants. Anonymous: no participant code or identity."""
    taux = taux_sous_traitance()
    par_modalite, par_entreprise, par_mois = {}, {}, {}
    participants = set()
    rows = HeuresMensuelles.objects.filter(marche=marche).select_related("entreprise").order_by("mois")
    for row in rows:
        h = heure_ligne(row, taux)
        par_modalite[row.get_modalite_display()] = par_modalite.get(row.get_modalite_display(), ZERO) + h
        par_entreprise[row.entreprise] = par_entreprise.get(row.entreprise, ZERO) + h
        par_mois[row.mois] = par_mois.get(row.mois, ZERO) + h
        if row.participant_id:
            participants.add(row.participant_id)
    return {"par_modalite": sorted(par_modalite.items()), "par_entreprise": sorted(par_entreprise.items(),
                                                                                  key=lambda kv: -kv[1]),
            "par_mois": sorted(par_mois.items()), "nb_participants": len(participants)}


# Follow-up alerts ---------------------------------------------------------------------------------

ALERTE_LIMITE = 50


def alertes(user, today: datetime.date | None = None) -> dict:
    """What needs doing today, in a fixed number of queries whatever the data size.
    A partner user gets only its own contracts' alerts and nothing about participants."""
    today = today or timezone.localdate()
    marches = marches_avec_insertion(user)
    # 1. Contracts whose hours lag (running, or ended within the last 3 months).
    en_cours = marches.filter(date_debut__lte=today).filter(
        Q(date_fin__isnull=True) | Q(date_fin__gte=add_months(today, -3)))
    avancements = avancement_par_marche(en_cours, today)
    retard_ids = [pk for pk, a in avancements.items() if a.en_retard]
    retard_ids.sort(key=lambda pk: avancements[pk].realisees - avancements[pk].attendues)
    en_retard = list(Marche.objects.filter(pk__in=retard_ids[:ALERTE_LIMITE]).select_related("acheteur"))
    for m in en_retard:
        m.avancement = avancements[m.pk]
    en_retard.sort(key=lambda m: m.avancement.realisees - m.avancement.attendues)
    # 2. Companies to remind: the site starts within 30 days and no hours were recorded.
    a_relancer = list(
        marches.filter(date_debut__gte=today, date_debut__lte=today + datetime.timedelta(days=30))
        .exclude(Exists(HeuresMensuelles.objects.filter(marche=OuterRef("pk"))))
        .select_related("acheteur").prefetch_related("attributions__entreprise").order_by("date_debut")[:ALERTE_LIMITE]
    )
    result = {"en_retard": en_retard, "nb_en_retard": len(retard_ids), "a_relancer": a_relancer}

    if can_see_identite(user):
        # 3. Eligibility proofs expiring within 15 days.
        result["justificatifs"] = list(
            Eligibilite.objects.filter(date_fin_validite__gte=today,
                                       date_fin_validite__lte=today + datetime.timedelta(days=15))
            .select_related("participant").order_by("date_fin_validite")[:ALERTE_LIMITE])
        # 4. 6-month follow-ups due.
        result["suivis_6_mois"] = list(
            Sortie.objects.filter(date_suivi_6_mois__isnull=True, date_sortie__lte=add_months(today, -6))
            .select_related("participant").order_by("date_sortie")[:ALERTE_LIMITE])
        # 5. Overdue next actions.
        result["actions_en_retard"] = list(
            ActionSuivi.objects.filter(faite=False, echeance__lt=today)
            .select_related("marche", "entreprise", "responsable").order_by("echeance")[:ALERTE_LIMITE])
    return result


def actions_ouvertes(*, marche=None, entreprise=None):
    qs = ActionSuivi.objects.select_related("marche", "entreprise", "responsable")
    if marche is not None:
        qs = qs.filter(marche=marche)
    if entreprise is not None:
        qs = qs.filter(entreprise=entreprise)
    return qs


def convention_marches(convention):
    """The contracts a convention covers: those attached to it whose buyer is its partner buyer
    (Convention.partenaire). A contract whose buyer changed to another organisation leaves the convention's page
    and figures even while it is still attached (bilans.selectors.Perimetre applies the same rule)."""
    return convention.marches.filter(acheteur_id=convention.partenaire_id)


def convention_marches_detaches(convention):
    """Contracts still attached to the convention whose buyer is no longer its partner (shown to facilitators)."""
    return convention.marches.exclude(acheteur_id=convention.partenaire_id)


def heures_par_mois_et_commune(marches) -> dict:
    """Hours (euros converted, before the training cap) of a set of contracts by month and by the participants'
    commune: what partners ask for. Anonymous aggregates, two queries. `communes` also gives the number of
    distinct people with hours in each commune (a 0 h row counts nobody): outside the facilitators it goes
    through the small-numbers rule (bilans.selectors.secret_statistique)."""
    taux = taux_sous_traitance()
    rows = HeuresMensuelles.objects.filter(marche__in=marches).order_by()
    en_euros = Q(modalite__in=MODALITES_EN_EUROS) & Q(montant_ht__isnull=False)
    avec_heures = Q(heures__gt=0) | Q(montant_ht__gt=0)

    def total(row):
        return Decimal(row["h"] or 0) + euros_en_heures(row["e"], taux)

    par_mois = [(row["mois"], total(row)) for row in rows.values("mois").annotate(
        h=Sum("heures", filter=~en_euros), e=Sum("montant_ht", filter=en_euros)).order_by("mois")]
    par_commune, personnes = {}, {}
    for row in rows.values("participant__commune", "participant__code_postal").annotate(
            h=Sum("heures", filter=~en_euros), e=Sum("montant_ht", filter=en_euros),
            n=Count("participant", distinct=True, filter=avec_heures)):
        commune, code_postal = row["participant__commune"], row["participant__code_postal"]
        if commune is None and code_postal is None:
            label, n = "Sans participant (sous- ou co-traitance SIAE)", None
        else:
            label, n = " ".join(filter(None, [commune, code_postal])) or "", row["n"]
        par_commune[label] = par_commune.get(label, ZERO) + total(row)
        personnes[label] = None if n is None else personnes.get(label, 0) + n
    communes = [{"commune": label, "participants": personnes[label], "heures": h}
                for label, h in sorted(par_commune.items(), key=lambda kv: -kv[1])
                if h > 0 or personnes[label]]
    par_commune = sorted(((label or "Non renseignée", h) for label, h in par_commune.items()), key=lambda kv: -kv[1])
    return {"par_mois": par_mois, "par_commune": par_commune, "communes": communes}


# --- Reads moved out of the views (views/*.py call these) -----------------------------------------------


def marches_suivis(user):
    """The contracts with an insertion clause the user may follow, latest end first (the follow-up home)."""
    return marches_avec_insertion(user).select_related("acheteur").order_by(F("date_fin").desc(nulls_last=True), "pk")


def nb_marches_suivis(user) -> int:
    """How many contracts `marches_suivis(user)` lists, counted from the insertion clauses (their distinct
    contracts: an index-only scan of (type_clause, marche_id), 10 ms for 34,000 clauses) instead of testing each of
    the 100,000 contracts for a clause (80 ms). A user who sees only some contracts (a partner) counts those."""
    clauses = clauses_des_marches(Marche.objects.visibles_par(user), type_clause=TypeClause.INSERTION)
    return clauses.aggregate(n=Count("marche", distinct=True))["n"]


def avancements_des(marches, today: datetime.date | None = None) -> dict[int, Avancement]:
    """`avancement_par_marche` of these contracts (instances, e.g. one page of a list)."""
    return avancement_par_marche(Marche.objects.filter(pk__in=[m.pk for m in marches]), today)


def avancement_du_marche(marche, today: datetime.date | None = None) -> Avancement | None:
    return avancement_par_marche(Marche.objects.filter(pk=marche.pk), today).get(marche.pk)


def conventions_visibles(user):
    """The conventions a user may read: a partner only its organisation's (none without one), others all."""
    qs = Convention.objects.select_related("partenaire")
    org = restricted_organisation(user)
    if user.role == Role.PARTENAIRE:
        return qs.filter(partenaire=org) if org is not None else qs.none()
    return qs


def conventions_liste(user):
    """`conventions_visibles`, latest first, with the number of contracts each covers: its partner buyer's
    (see convention_marches)."""
    return (conventions_visibles(user).prefetch_related("facilitateurs").order_by("-date_debut", "pk")
            .annotate(nb_marches=Count("marches", distinct=True,
                                       filter=Q(marches__acheteur_id=F("partenaire_id")))))


def participant_list(*, q: str = ""):
    """Participants by code (with the month of their latest hours and their eligibility criteria); `q` searches
    the code."""
    qs = Participant.objects.annotate(dernier_mois=Max("heures__mois")).prefetch_related(
        Prefetch("eligibilites", queryset=Eligibilite.objects.order_by("public"))).order_by("code")
    if q:
        qs = qs.filter(code__icontains=q)
    return qs


def identite_de(participant):
    """The participant's identity (None when there is none, or it was purged)."""
    if participant is None:
        return None
    return IdentiteParticipant.objects.filter(participant=participant).first()


def participant_fiche(participant, *, avec_lectures: bool = False) -> dict:
    """What the participant's page shows: criteria, placements, the last 36 months of hours, outcomes and
    (avec_lectures) the last 20 reads of its identity."""
    return {
        "eligibilites": participant.eligibilites.select_related("valide_par").order_by("public"),
        "mises": participant.mises_en_emploi.select_related("marche", "entreprise"),
        "heures": (HeuresMensuelles.objects.filter(participant=participant).select_related("marche", "entreprise")
                   .order_by("-mois")[:36]),
        "sorties": list(participant.sorties.all()),
        "lectures": participant.lectures_identite.select_related("user")[:20] if avec_lectures else None,
    }


def participant_export(participant) -> dict:
    """Everything held about one participant (subject-access request), as sheets of rows."""
    identite = identite_de(participant)
    return {
        "participant": {"code": participant.code, "annee_naissance": participant.annee_naissance,
                        "sexe": participant.get_sexe_display(), "code_postal": participant.code_postal,
                        "commune": participant.commune, "qpv": participant.qpv,
                        "cree_le": participant.created_at.isoformat()},
        "identite": ({f: getattr(identite, f) for f in ("nom", "prenom", "telephone", "email", "adresse")}
                     if identite else {}),
        "eligibilites": [{"public": e.get_public_display(), "verifie_le": e.date_verification,
                          "valide_par": str(e.valide_par or ""), "valable_jusqu_au": e.date_fin_validite,
                          "avis": e.commentaire} for e in participant.eligibilites.select_related("valide_par")],
        "mises_en_emploi": [{"marche": m.marche.identifiant, "employeur": str(m.entreprise),
                             "modalite": m.get_modalite_display(), "contrat": m.get_type_contrat_display(),
                             "debut": m.date_debut, "fin": m.date_fin}
                            for m in participant.mises_en_emploi.select_related("marche", "entreprise")],
        "heures": [{"marche": h.marche.identifiant, "entreprise": str(h.entreprise), "mois": h.mois.strftime("%Y-%m"),
                    "modalite": h.get_modalite_display(), "heures": h.heures}
                   for h in participant.heures.select_related("marche", "entreprise").order_by("mois")],
        "sorties": [{"date": s.date_sortie, "categorie": s.get_categorie_display(), "detail": s.detail,
                     "suivi_6_mois_le": s.date_suivi_6_mois, "situation_6_mois": s.get_categorie_6_mois_display(),
                     "detail_6_mois": s.detail_6_mois} for s in participant.sorties.all()],
        "lectures_identite": [{"le": lecture.created_at.isoformat(), "par": str(lecture.user or ""),
                               "motif": lecture.motif} for lecture in participant.lectures_identite.select_related("user")],
    }


def grille(*, marche, mois: datetime.date) -> tuple[list[dict], list[tuple[int, str]]]:
    """The hours grid of one contract and month: its initial rows (the month's hours, then one empty row per
    placement running that month and not yet entered) sorted by participant and modality, and the companies
    that may be chosen (the contract's holders and those of the rows) as (pk, name) by name."""
    fin_mois = add_months(mois, 1) - datetime.timedelta(days=1)
    placements = (MiseEnEmploi.objects.filter(marche=marche, date_debut__lte=fin_mois)
                  .exclude(date_fin__lt=mois).select_related("participant", "entreprise").order_by("participant__code"))
    existing = HeuresMensuelles.objects.filter(marche=marche, mois=mois).select_related("participant", "entreprise")
    initial, seen = [], {}
    for h in existing:
        key = (h.participant.code if h.participant else "", h.entreprise_id, h.modalite)
        seen[key] = len(initial)
        initial.append({"participant_code": key[0], "entreprise": h.entreprise_id, "modalite": h.modalite,
                        "type_contrat": h.type_contrat, "heures": h.heures, "montant_ht": h.montant_ht})
    for mise in placements:
        key = (mise.participant.code, mise.entreprise_id, mise.modalite)
        if key not in seen:
            seen[key] = len(initial)
            initial.append({"participant_code": key[0], "entreprise": mise.entreprise_id, "modalite": mise.modalite,
                            "type_contrat": mise.type_contrat})
    initial.sort(key=lambda row: (row["participant_code"] or "~", row["modalite"]))
    entreprises = list(Entreprise.objects.filter(
        pk__in=set(marche.attributions.values_list("entreprise_id", flat=True))
        | {row["entreprise"] for row in initial}).order_by("nom").values_list("pk", "nom"))
    return initial, entreprises


def participants_par_code(codes) -> dict:
    return {p.code: p for p in Participant.objects.filter(code__in=codes)}


def entreprises_par_id(ids) -> dict:
    return {e.pk: e for e in Entreprise.objects.filter(pk__in=ids)}


def journal_imports_recents(limit: int = 10):
    """The latest imports and purges of the app (the upload page)."""
    return ImportJournal.objects.filter(format__in=ImportJournal.FACILITATEURS).select_related("user") \
        .order_by("-created_at")[:limit]


def entreprises_des_marches(marches) -> list[tuple[int, str, list[tuple[str, str]]]]:
    """The companies of each contract (awardees, co- and sub-contractors), to pick a placement's employer:
    [(contract id, "identifier — object", [(SIRET, "name (role)"), ...]), ...], in two queries."""
    marches = list(marches.order_by("identifiant", "pk").values("pk", "identifiant", "objet"))
    par_marche: dict[int, list[tuple[str, str]]] = {}
    attributions = (Attribution.objects.filter(marche_id__in=[m["pk"] for m in marches])
                    .select_related("entreprise").order_by("marche_id", "entreprise__nom", "pk"))
    rang = {RoleEntreprise.TITULAIRE: 0, RoleEntreprise.COTRAITANT: 1, RoleEntreprise.SOUS_TRAITANT: 2}
    for att in sorted(attributions, key=lambda a: (a.marche_id, rang.get(a.role, 3))):
        items = par_marche.setdefault(att.marche_id, [])
        if all(siret != att.entreprise.siret for siret, _ in items):
            items.append((att.entreprise.siret, f"{att.entreprise.nom} ({att.get_role_display()})"))
    return [(m["pk"], f"{m['identifiant']} — {m['objet'][:70]}", par_marche[m["pk"]])
            for m in marches if m["pk"] in par_marche]
