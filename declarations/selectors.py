"""Reads of the companies' side: the contracts a company must report on, the months it has not declared, its
realised hours, the declarations waiting for a facilitator, what an attestation shows."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from clauses.enums import TypeClause
from clauses.models import ClauseMarche
from facilitateurs.enums import Modalite
from facilitateurs.models import HeuresMensuelles, MiseEnEmploi, Participant
from facilitateurs.selectors import MODALITES_EN_EUROS, heure_ligne, heures_comptees
from facilitateurs.services import add_months, premier_du_mois
from marches.models import Attribution, Marche

from .enums import StatutDeclaration
from .models import ContactEntreprise, Declaration

ZERO = Decimal("0")
MOIS_RETRO = 12  # a company is asked for the months of the last year only (older ones: the facilitator's grid)


def marches_de_l_entreprise(entreprise):
    """The contracts carrying an insertion clause that the company holds, co-holds or sub-contracts on, or on
    which the facilitator placed someone with it."""
    if entreprise is None:
        return Marche.objects.none()
    return Marche.objects.filter(
        Exists(ClauseMarche.objects.filter(marche=OuterRef("pk"), type_clause=TypeClause.INSERTION)),
        Exists(Attribution.objects.filter(marche=OuterRef("pk"), entreprise=entreprise))
        | Exists(MiseEnEmploi.objects.filter(marche=OuterRef("pk"), entreprise=entreprise)),
    ).select_related("acheteur").order_by("-date_debut", "pk")


def marche_de_l_entreprise(entreprise, pk):
    return marches_de_l_entreprise(entreprise).filter(pk=pk).first()


def heures_requises_par_marche(marche_ids) -> dict[int, Decimal]:
    rows = (ClauseMarche.objects.filter(marche_id__in=list(marche_ids), type_clause=TypeClause.INSERTION)
            .order_by().values("marche_id").annotate(total=Sum("heures_requises")))
    return {row["marche_id"]: Decimal(row["total"] or 0) for row in rows}


def heures_entreprise_par_marche(entreprise, marche_ids) -> dict[int, Decimal]:
    """{marche_id: hours the company realised on it}, with the facilitators' counting rules (euros of SIAE sub- or
    co-contracting converted, training capped), its own rows only (one query, plus one for the required hours)."""
    marche_ids = list(marche_ids)
    en_euros = Q(modalite__in=MODALITES_EN_EUROS)
    formation = Q(modalite=Modalite.FORMATION)
    rows = (HeuresMensuelles.objects.filter(entreprise=entreprise, marche_id__in=marche_ids).order_by()
            .values("marche_id").annotate(
                directes=Sum("heures", filter=~en_euros & ~formation),
                formation=Sum("heures", filter=formation),
                montant=Sum("montant_ht", filter=en_euros & Q(montant_ht__isnull=False)),
                sans_montant=Sum("heures", filter=en_euros & Q(montant_ht__isnull=True))))
    requises = heures_requises_par_marche(marche_ids)
    result = dict.fromkeys(marche_ids, ZERO)
    for row in rows:
        result[row["marche_id"]] = heures_comptees(
            heures_directes=row["directes"] or ZERO, heures_formation=row["formation"] or ZERO,
            montant_euros=row["montant"] or ZERO, heures_euros_sans_montant=row["sans_montant"] or ZERO,
            heures_requises=requises.get(row["marche_id"], ZERO))
    return result


def mois_du_marche(marche, today: datetime.date) -> list[datetime.date]:
    """The months a company reports on: from the start of execution to last month (or the end of execution), within
    the last MOIS_RETRO months."""
    if marche.date_debut is None:
        return []
    dernier = add_months(premier_du_mois(today), -1)
    if marche.date_fin is not None:
        dernier = min(dernier, premier_du_mois(marche.date_fin))
    debut = max(premier_du_mois(marche.date_debut), add_months(premier_du_mois(today), -MOIS_RETRO))
    mois, result = debut, []
    while mois <= dernier:
        result.append(mois)
        mois = add_months(mois, 1)
    return result


def mois_couverts(entreprise, marche_ids) -> dict[int, set]:
    """{marche_id: months covered}: a declaration waiting or validated, or hours the facilitator recorded for the
    company."""
    result: dict[int, set] = {pk: set() for pk in marche_ids}
    for marche_id, mois in Declaration.objects.comptant_pour_le_mois().filter(
            entreprise=entreprise, marche_id__in=marche_ids).values_list("marche_id", "mois"):
        result[marche_id].add(mois)
    for marche_id, mois in HeuresMensuelles.objects.filter(
            entreprise=entreprise, marche_id__in=marche_ids).values_list("marche_id", "mois").distinct():
        result[marche_id].add(mois)
    return result


@dataclass
class LigneTableau:
    marche: Marche
    requises: Decimal
    realisees: Decimal
    mois_non_declares: list = field(default_factory=list)

    @property
    def restantes(self) -> Decimal:
        return max(self.requises - self.realisees, ZERO)

    @property
    def remplie(self) -> bool:
        return self.requises > 0 and self.realisees >= self.requises


def tableau_entreprise(entreprise, today: datetime.date | None = None) -> list[LigneTableau]:
    """The company's clause contracts with hours required, done by the company, still due, and months not
    declared. A fixed number of queries whatever the number of contracts."""
    today = today or timezone.localdate()
    marches = sorted(marches_de_l_entreprise(entreprise),
                     key=lambda m: (m.date_fin is not None and m.date_fin < today, -(m.date_debut or today).toordinal()))
    ids = [m.pk for m in marches]
    requises = heures_requises_par_marche(ids)
    realisees = heures_entreprise_par_marche(entreprise, ids) if ids else {}
    couverts = mois_couverts(entreprise, ids)
    lignes = []
    for marche in marches:
        manquants = [m for m in mois_du_marche(marche, today) if m not in couverts[marche.pk]]
        lignes.append(LigneTableau(marche=marche, requises=requises.get(marche.pk, ZERO),
                                   realisees=realisees.get(marche.pk, ZERO),
                                   mois_non_declares=manquants))
    return lignes


def marche_en_cours(marche, mois: datetime.date) -> bool:
    """Does the contract run during the month (its execution meets it)?"""
    fin_mois = add_months(mois, 1) - datetime.timedelta(days=1)
    return (marche.date_debut is not None and marche.date_debut <= fin_mois
            and (marche.date_fin is None or marche.date_fin >= mois))


def participants_de(entreprise, marche):
    """The participants the facilitator placed with this company on this contract (pseudonymous codes only)."""
    return Participant.objects.filter(
        pk__in=MiseEnEmploi.objects.filter(entreprise=entreprise, marche=marche).values("participant_id")
    ).order_by("code")


def declarations_du_marche(entreprise, marche):
    return (Declaration.objects.filter(entreprise=entreprise, marche=marche)
            .select_related("declaree_par", "traitee_par").order_by("-mois", "-declaree_le"))


def declarations_en_attente():
    """Declarations waiting for a facilitator, oldest first."""
    return (Declaration.objects.filter(statut=StatutDeclaration.EN_ATTENTE)
            .select_related("marche", "marche__acheteur", "entreprise", "declaree_par").order_by("declaree_le", "pk"))


def declarations_traitees(statut: str):
    """Declarations validated or sent back (`statut`), latest first."""
    return (Declaration.objects.filter(statut=statut)
            .select_related("marche", "entreprise", "declaree_par", "traitee_par").order_by("-traitee_le", "-pk"))


def declaration_detail(pk):
    return (Declaration.objects.select_related("marche", "marche__acheteur", "entreprise", "declaree_par",
                                               "traitee_par").filter(pk=pk).first())


def lignes_de(declaration):
    return declaration.lignes.select_related("participant", "heures_mensuelles").order_by("pk")


def contacts_de(entreprise):
    return ContactEntreprise.objects.filter(entreprise=entreprise).select_related("user", "invite_par").order_by(
        "user__email")


def contacts_actifs(entreprise_ids=None):
    qs = ContactEntreprise.objects.filter(user__is_active=True).select_related("user", "entreprise")
    if entreprise_ids is not None:
        qs = qs.filter(entreprise_id__in=list(entreprise_ids))
    return qs


@dataclass
class Attestation:
    marche: Marche
    entreprise: object
    requises: Decimal
    realisees: Decimal
    par_modalite: list  # [(libellé, heures)]
    premier_mois: datetime.date | None
    dernier_mois: datetime.date | None
    disponible: bool


def attestation(marche, entreprise, today: datetime.date | None = None) -> Attestation:
    """What the attestation of the clause's realisation shows: hours required, realised by the company, by modality
    (no participant). Available once the clause is fulfilled or the contract has ended."""
    today = today or timezone.localdate()
    requises = heures_requises_par_marche([marche.pk]).get(marche.pk, ZERO)
    realisees = heures_entreprise_par_marche(entreprise, [marche.pk])[marche.pk]
    par_modalite: dict[str, Decimal] = {}
    mois = []
    for row in HeuresMensuelles.objects.filter(marche=marche, entreprise=entreprise).order_by("mois"):
        heures = heure_ligne(row)
        if heures <= 0:
            continue
        label = row.get_modalite_display()
        par_modalite[label] = par_modalite.get(label, ZERO) + heures
        mois.append(row.mois)
    fini = marche.date_fin is not None and marche.date_fin < today
    return Attestation(
        marche=marche, entreprise=entreprise, requises=requises, realisees=realisees,
        par_modalite=sorted(((k, v.quantize(Decimal("0.01"))) for k, v in par_modalite.items()),
                            key=lambda kv: -kv[1]),
        premier_mois=mois[0] if mois else None, dernier_mois=mois[-1] if mois else None,
        disponible=(requises > 0 and realisees >= requises) or fini)
