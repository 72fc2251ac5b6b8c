"""The indicator engine: every figure of the dashboards, the annual bilan (PDF), the exports and the
`generer_bilan` command comes from `indicateurs_annuels`.

A constant number of SQL aggregates (GROUP BY, COUNT DISTINCT, conditional sums), whatever the number of
contracts or hour rows; never a query per row.

Counting rules (the same as the facilitateurs app, settings.SPASER):
- realised hours of a row = `facilitateurs.selectors.heures_effectives()` (the SQL twin of `heure_ligne`):
  `heures`, except rows sub- or co-contracted to an SIAE with a `montant_ht`, counted in euros ÷ rate;
- FORMATION hours of a contract count for at most FORMATION_PART_MAX × the contract's required hours
  (sum of `heures_requises` of its insertion clauses; no cap when none are required), over the period
  measured (the year, or the cumul);
- only rows with hours (or a sub-contracted amount) count for participants and companies;
- breakdowns by company, public and commune show declared hours (training not capped), marked as such.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.functional import cached_property

from clauses.enums import TypeClause
from clauses.models import ClauseMarche, FamilleAchat
from core.enums import Role
from core.models import Direction, Organisation, Tache, User
from core.utils import sans_ramasse_miettes
from examens.selectors import examens_chiffres
from facilitateurs.enums import CategorieSortie, Modalite, Public
from facilitateurs.models import (
    Convention,
    HeuresMensuelles,
    ResumeEntrepriseAnnee,
    ResumeHeuresMarche,
    ResumeParticipantAnnee,
    Sortie,
)
from facilitateurs.selectors import (
    centiemes_sql,
    euros_en_heures_sql,
    formation_plafonnee,
    heures_effectives,
    heures_formation_comptees,
    part_ecoulee,
    part_max_formation,
    plafond_formation,
)
from facilitateurs.services import add_months
from marches.enums import RoleEntreprise, StatutConformite, TypeReservation, TypeStructure
from marches.models import Attribution, Marche, consideration_environnementale, consideration_sociale

from .definitions import SEUIL_SECRET_COMMUNE
from .models import Bilan
from .resultats import (
    AnneeTendance,
    Bloc,
    CibleAdoptee,
    Conformite,
    Considerations,
    Cumul,
    DescriptionPerimetre,
    Indicateurs,
    LigneCommune,
    LigneEntreprise,
    LigneFamille,
    LigneMarcheClause,
    LigneModalite,
    LignePublic,
    LigneSortie,
    Manquement,
    Objectif,
    ObjectifNational,
    Objectifs,
    ObjectifsNationaux,
    Realisation,
    Sorties,
    to_jsonable,
)

CIBLE_ENVIRONNEMENTALE = Decimal("1")  # PNAD 2022–2025: 100 % of notified contracts
CIBLE_SOCIALE = Decimal("0.3")  # PNAD 2022–2025: 30 %
LIBELLE_AUTRES_COMMUNES = (f"Autres communes ou non renseignée (moins de {SEUIL_SECRET_COMMUNE} personnes "
                           "par commune)")
LIMITE_LISTES = 20
RESULTATS_VERSION = 3  # the shape of the stored results (bilans.resultats): change it when they change
# Callables (acheteur, annee) -> {"sociale"|"environnementale": {"cible": Decimal, "libelle": str}}: targets a
# buyer adopted (the SPASER app registers its own in SpaserConfig.ready); the first source that has one wins.
SOURCES_CIBLES: list = []
DEC = DecimalField(max_digits=18, decimal_places=4)
CENTIEMES = DecimalField(max_digits=24, decimal_places=6)  # centiemes_sql's type (SQLite rounds to its places)
ZERO = Decimal("0")


class _TelQuel(ExpressionWrapper):
    """An expression read as the database layer gives it, without Django's per-value conversion: psycopg already
    returns numeric as Decimal and int as int, and on SQLite the backend's own converter (kept: it is not the
    expression's) makes the Decimal. Used where tens of thousands of rows are read (one per contract): with no
    converter left on a query, Django does not walk its rows a second time."""

    @cached_property
    def convert_value(self):
        return self._convert_value_noop


# --------------------------------------------------------------------------- scope


@dataclass
class Perimetre:
    """What is measured: a buyer's contracts, or a convention's; optionally one direction, one family."""

    acheteur: Organisation
    direction: Direction | None = None
    famille: FamilleAchat | None = None
    convention: Convention | None = None

    def _filtre(self, prefix: str = "") -> Q:
        """Always the buyer's own contracts: a convention narrows them to the contracts it covers, so a contract
        whose buyer changed to another organisation leaves the convention's figures (its partner no longer sees
        it in its bilan, its XLSX or its PDF) even while it is still attached to the convention."""
        q = Q(**{f"{prefix}acheteur": self.acheteur})
        if self.convention is not None:
            q &= Q(**{f"{prefix}conventions": self.convention})
        if self.direction is not None:
            q &= Q(**{f"{prefix}direction": self.direction})
        if self.famille is not None:
            q &= Q(**{f"{prefix}famille": self.famille})
        return q

    @property
    def acheteur_entier(self) -> bool:
        """Every contract of the buyer (no direction, family nor convention narrows them)."""
        return self.direction is None and self.famille is None and self.convention is None

    def marches(self):
        return Marche.objects.filter(self._filtre())

    def heures(self):
        return HeuresMensuelles.objects.filter(self._filtre("marche__")).filter(
            Q(heures__gt=0) | Q(montant_ht__gt=0)
        )

    def clauses_insertion(self):
        return ClauseMarche.objects.filter(self._filtre("marche__"), type_clause=TypeClause.INSERTION)

    def description(self) -> DescriptionPerimetre:
        return DescriptionPerimetre(direction=str(self.direction) if self.direction else None,
                                    famille=str(self.famille) if self.famille else None,
                                    convention=str(self.convention) if self.convention else None)


def _resolve(model, value):
    if value is None or value == "" or isinstance(value, model):
        return value or None
    return model.objects.get(pk=value)


def perimetre_build(*, acheteur=None, direction=None, famille=None, convention=None) -> Perimetre:
    convention = _resolve(Convention, convention)
    if convention is not None:
        # A convention's perimeter is its partner buyer's contracts that it covers (Convention.partenaire).
        acheteur = convention.partenaire
    if acheteur is None:
        acheteur = Organisation.objects.instance()
    elif not isinstance(acheteur, Organisation):
        acheteur = Organisation.objects.get(pk=acheteur)
    if acheteur is None:
        raise ValueError("Aucune organisation de l'instance n'est configurée.")
    return Perimetre(acheteur=acheteur, direction=_resolve(Direction, direction),
                     famille=_resolve(FamilleAchat, famille), convention=convention)


# --------------------------------------------------------------------------- helpers


def _d(value) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(str(value)) if not isinstance(value, Decimal) else value


def _h(value) -> Decimal:
    """Hours and amounts rounded to the cent."""
    return _d(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _part(numerateur, denominateur):
    if not denominateur:
        return None
    return (Decimal(numerateur) / Decimal(denominateur)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _annee_bornes(debut: int, fin: int | None = None) -> tuple[date, date]:
    return date(debut, 1, 1), date(fin if fin is not None else debut, 12, 31)


def _formation(heures_qs, **par) -> dict:
    """Training hours, declared and counted (capped per contract at part × its required hours:
    facilitateurs.selectors.formation_plafonnee), summed by the keyword expressions given (none: one total).
    ORM only: GROUP BY contract (+ keys) over the FORMATION rows with the contract's required hours, the cap on
    each group; the total is one SQL statement (the ORM nests the grouped query), keyed sums add up the groups.
    Returns {key tuple: (declared, counted)}; the key () holds the total."""
    groupes = (heures_qs.filter(modalite=Modalite.FORMATION).annotate(**par).values("marche_id", *par)
               .annotate(declarees=Sum("heures"),
                         comptees=formation_plafonnee(Sum("heures"), plafond_formation(OuterRef("marche_id"))))
               .order_by())
    if not par:
        totaux = groupes.aggregate(total_declarees=Sum("declarees"), total_comptees=Sum("comptees"))
        if totaux["total_declarees"] is None:
            return {}
        return {(): (_d(totaux["total_declarees"]), _d(totaux["total_comptees"]))}
    result = {}
    for groupe in groupes:
        if groupe["declarees"] is None:
            continue
        cle = tuple(groupe[k] for k in par)
        declarees, comptees = result.get(cle, (ZERO, ZERO))
        result[cle] = (declarees + _d(groupe["declarees"]), comptees + _d(groupe["comptees"]))
    return result


@dataclass(frozen=True)
class _TotauxHeures:
    heures_realisees: Decimal
    heures_formation_declarees: Decimal
    heures_formation_comptees: Decimal
    participants: int
    entreprises: int
    entreprises_locales: int
    entreprises_locales_part: Decimal | None
    premiere_annee: int | None


@dataclass(frozen=True)
class _Passe:
    """The scope's hours up to the end of the year, read once for the year's totals, the cumul's and the
    realisation's: per contract and per period, the sums of realised hours out of training and of declared
    training hours; per period, distinct people and companies. Periods are named by their first year (None: since
    the first row) and share the same last day, except `realisation` (rows up to the reference date)."""

    periodes: dict  # name -> position of its pair of sums in par_marche's values (periods may share one)
    par_marche: dict  # marche_id -> [hors_formation, formation_declarees, ...]: a pair per distinct period
    requises: dict  # marche_id -> required hours of its insertion clauses (sum)
    # marche_id -> (notification, start, end, duration in months) of the contracts with an insertion clause
    dates: dict
    comptes: dict  # periode -> {"participants", "entreprises", "entreprises_locales"}
    premiere_annee: int | None
    par_periode: dict = field(default_factory=dict)  # _heures_par_marche's results, per position


def _distincts(lignes, champ: str, temps: str, debuts: dict, locale: Q | None = None) -> dict:
    """How many distinct `champ` have a row in each period ({name: first value of `temps` or None}), and with
    `locale`, how many of them have one matching it ("<name>__locales"). One GROUP BY `champ` (PostgreSQL runs it
    in parallel, unlike COUNT(DISTINCT)) keeping each one's last `temps`."""
    groupes = lignes.values(champ).annotate(dernier=Max(temps))
    if locale is not None:
        groupes = groupes.annotate(dernier_local=Max(temps, filter=locale))
    aggregates = {}
    for nom, debut in debuts.items():
        aggregates[nom] = Count(champ, filter=Q(dernier__gte=debut)) if debut else Count(champ)
        if locale is not None:
            aggregates[f"{nom}__locales"] = Count(
                champ, filter=Q(dernier_local__gte=debut) if debut else Q(dernier_local__isnull=False))
    return groupes.order_by().aggregate(**aggregates)


def _comptes(perimetre: Perimetre, fin: date, departement: str, debuts: dict, *, resumes: bool = True) -> dict:
    """{period: distinct people, companies and local companies with a counted row in it, up to `fin`}. A buyer's
    whole scope reads its yearly summaries (facilitateurs.resumes: a person or company per year, whatever its
    number of rows); a narrower one (direction, family, convention) groups its hour rows (`resumes=False`: the
    rows always; the tests compare both)."""
    # A buyer without a département has no local company (an empty code must not match empty codes).
    locale = Q(entreprise__departement=departement or "\u2205")
    if resumes and perimetre.acheteur_entier:
        annees = {nom: debut.year if debut else None for nom, debut in debuts.items()}
        par_annee = {"acheteur": perimetre.acheteur, "annee__lte": fin.year}
        participants = _distincts(ResumeParticipantAnnee.objects.filter(**par_annee), "participant_id", "annee",
                                  annees)
        entreprises = _distincts(ResumeEntrepriseAnnee.objects.filter(**par_annee), "entreprise_id", "annee",
                                 annees, locale)
    else:
        lignes = perimetre.heures().filter(mois__lte=fin)
        participants = _distincts(lignes.filter(participant_id__isnull=False), "participant_id", "mois", debuts)
        entreprises = _distincts(lignes, "entreprise_id", "mois", debuts, locale)
    return {nom: {"participants": participants[nom], "entreprises": entreprises[nom],
                  "entreprises_locales": entreprises[f"{nom}__locales"]} for nom in debuts}


def _heures_passe(perimetre: Perimetre, fin: date, departement: str, *, debuts: dict,
                  reference: date) -> _Passe:
    """The sums per contract and period come from the contracts' yearly summaries (facilitateurs.resumes, kept
    equal to the hour rows by the database: about 12 times fewer rows at national scale), in one GROUP BY with
    conditional sums; the realisation of a year not over takes off the rows after the reference date (read from
    the rows: those months only). `fin` is a 31 December and `debuts` name periods starting on a 1 January
    ({name: first day or None}); distinct people and companies: _comptes."""
    hors_formation, formation = ~Q(modalite=Modalite.FORMATION), Q(modalite=Modalite.FORMATION)
    periodes = {nom: Q(annee__gte=debut.year) if debut else Q() for nom, debut in debuts.items()}
    periodes["realisation"] = Q()  # every year up to fin; the rows after the reference date are taken off below
    coupee = reference < fin
    # One pair of sums per distinct condition: the cumul since the first row and a past year's realisation share
    # theirs; a realisation cut at the reference date has its own (the later rows are taken off it below).
    conditions, index = [], {}
    for nom, condition in periodes.items():
        if condition not in conditions or (nom == "realisation" and coupee):
            conditions.append(condition)
        index[nom] = len(conditions) - 1 if nom == "realisation" and coupee else conditions.index(condition)
    aggregates = {}
    for i, condition in enumerate(conditions):
        aggregates[f"s{i}_hf"] = _TelQuel(centiemes_sql(Sum("heures", filter=condition)) + euros_en_heures_sql(
            centiemes_sql(Coalesce(Sum("euros", filter=condition), 0))), output_field=CENTIEMES)
        aggregates[f"s{i}_fd"] = _TelQuel(centiemes_sql(Sum("formation", filter=condition)), output_field=CENTIEMES)
    resumes = ResumeHeuresMarche.objects.filter(acheteur=perimetre.acheteur, annee__lte=fin.year)
    if not perimetre.acheteur_entier:
        resumes = resumes.filter(perimetre._filtre("marche__"))
    par_marche, premiere_annee = {}, None
    plus_ancienne = _TelQuel(Min("annee"), output_field=IntegerField())
    for marche_id, premiere, *valeurs in resumes.values("marche_id").annotate(
            premiere=plus_ancienne, **aggregates).values_list("marche_id", "premiere", *aggregates).order_by():
        par_marche[marche_id] = valeurs
        if premiere_annee is None or premiere < premiere_annee:
            premiere_annee = premiere
    if coupee:
        i = 2 * index["realisation"]
        for r in perimetre.heures().filter(mois__gt=reference, mois__lte=fin).values("marche_id").annotate(
                hf=Sum(heures_effectives(), filter=hors_formation), fd=Sum("heures", filter=formation)).order_by():
            valeurs = par_marche[r["marche_id"]]  # rows in the year: its summary of the year is there
            valeurs[i], valeurs[i + 1] = _d(valeurs[i]) - _d(r["hf"]), _d(valeurs[i + 1]) - _d(r["fd"])
    requises, dates = {}, {}
    contrat = ("marche__date_notification", "marche__date_debut", "marche__date_fin", "marche__duree_mois")
    for marche_id, total, *periode in perimetre.clauses_insertion().values("marche_id", *contrat).annotate(
            total=_TelQuel(Sum("heures_requises"), output_field=ClauseMarche._meta.get_field("heures_requises"))
    ).values_list("marche_id", "total", *contrat).order_by():
        requises[marche_id], dates[marche_id] = _d(total), periode
    return _Passe(periodes=index, par_marche=par_marche, requises=requises, dates=dates,
                  comptes=_comptes(perimetre, fin, departement, debuts),
                  premiere_annee=premiere_annee)


def _heures_par_marche(passe: _Passe, periode: str) -> dict:
    """{marche_id: (realised hours out of training, declared training, counted training)} over a period."""
    i = 2 * passe.periodes[periode]
    if i in passe.par_periode:  # a period sharing its sums with one already read
        return passe.par_periode[i]
    result = passe.par_periode[i] = {}
    part_max = part_max_formation()
    with localcontext() as ctx:
        ctx.prec = 60  # exact sums, as SQL's numeric
        for marche_id, valeurs in passe.par_marche.items():
            hors_formation, declarees = valeurs[i], valeurs[i + 1]
            if hors_formation is None and declarees is None:
                continue
            comptees = (declarees if not declarees  # None or nothing declared: nothing to cap
                        else heures_formation_comptees(declarees, passe.requises.get(marche_id), part_max))
            result[marche_id] = (hors_formation, declarees, comptees)
    return result


def _totaux_heures(passe: _Passe, periode: str) -> _TotauxHeures:
    """Hours (training capped per contract), distinct participants, companies and local companies of a period."""
    hors_formation = formation_declarees = formation_comptees = ZERO
    with localcontext() as ctx:
        ctx.prec = 60
        for h, declarees, comptees in _heures_par_marche(passe, periode).values():
            hors_formation += h or ZERO
            if declarees is not None:
                formation_declarees += declarees
                formation_comptees += comptees
    comptes = passe.comptes[periode]
    return _TotauxHeures(
        heures_realisees=_h(hors_formation + formation_comptees),
        heures_formation_declarees=_h(formation_declarees),
        heures_formation_comptees=_h(formation_comptees),
        participants=comptes["participants"],
        entreprises=comptes["entreprises"],
        entreprises_locales=comptes["entreprises_locales"],
        entreprises_locales_part=_part(comptes["entreprises_locales"], comptes["entreprises"]),
        premiere_annee=passe.premiere_annee,
    )


def _bloc(nombre, montant) -> Bloc:
    return Bloc(nombre=nombre or 0, montant_ht=_h(montant))


# --------------------------------------------------------------------------- contracts


def _marches_annee(perimetre: Perimetre, annee: int) -> dict[str, Bloc]:
    """Contracts notified in the year: totals, considerations, reserved contracts, compliance (one query)."""
    debut, fin = _annee_bornes(annee)
    insertion = ClauseMarche.objects.filter(marche=OuterRef("pk"), type_clause=TypeClause.INSERTION)
    qs = perimetre.marches().filter(date_notification__range=(debut, fin)).annotate(
        a_insertion=Exists(insertion), m=Coalesce("montant_ht", Value(ZERO, output_field=DEC), output_field=DEC)
    )
    sociale, environnementale = consideration_sociale(), consideration_environnementale()
    filtres = {
        "tous": Q(),
        "sociale": sociale,
        "environnementale": environnementale,
        "insertion": Q(a_insertion=True),
        "clause_sociale": Q(clause_sociale=True),
        "critere_social": Q(critere_social=True),
        "marche_reserve": Q(marche_reserve=True),
        "reserve_ea_esat": Q(marche_reserve=True, type_reservation=TypeReservation.EA_ESAT),
        "reserve_siae": Q(marche_reserve=True, type_reservation=TypeReservation.SIAE),
        "reserve_ess": Q(marche_reserve=True, type_reservation=TypeReservation.ESS),
        "clause_environnementale": Q(clause_environnementale=True),
        "critere_environnemental": Q(critere_environnemental=True),
        "sociale_et_environnementale": sociale & environnementale,
        "conforme": Q(statut_conformite=StatutConformite.CONFORME),
        "non_conforme": Q(statut_conformite=StatutConformite.NON_CONFORME),
        "non_soumis": Q(statut_conformite=StatutConformite.NON_SOUMIS),
    }
    aggregates = {}
    for key, condition in filtres.items():
        aggregates[f"{key}__n"] = Count("id", filter=condition) if condition else Count("id")
        aggregates[f"{key}__m"] = Sum("m", filter=condition) if condition else Sum("m")
    row = qs.aggregate(**aggregates)
    return {key: _bloc(row[f"{key}__n"], row[f"{key}__m"]) for key in filtres}


def _manquements(perimetre: Perimetre, annee: int) -> tuple[Manquement, ...]:
    """What the non-compliant contracts of the year miss, counted (the list is stored on each contract)."""
    debut, fin = _annee_bornes(annee)
    compteur = Counter()
    for manquements in perimetre.marches().filter(
        date_notification__range=(debut, fin), statut_conformite=StatutConformite.NON_CONFORME
    ).values_list("manquements", flat=True).iterator(chunk_size=5000):
        for item in manquements or []:
            if isinstance(item, dict):
                item = item.get("libelle") or item.get("code") or str(item)
            compteur[str(item)] += 1
    return tuple(Manquement(manquement=k, nombre=v) for k, v in compteur.most_common())


def _achats_structures(perimetre: Perimetre, annee: int) -> dict[str, Bloc]:
    """Purchases from SIAE, EA/ESAT and ESS companies: contracts of the year where such a company is awardee,
    co-contractor or declared sub-contractor. Value: the company's own amount when recorded, else the
    contract's amount for an awardee or co-contractor."""
    debut, fin = _annee_bornes(annee)
    categories = {
        "achats_siae": set(TypeStructure.siae()),
        "achats_ea_esat": set(TypeStructure.handicap()),
        "achats_ess": set(TypeStructure.ess()),
    }
    rows = Attribution.objects.filter(
        perimetre._filtre("marche__"), marche__date_notification__range=(debut, fin),
        entreprise__type_structure__in=TypeStructure.ess(),
    ).values("marche_id", "marche__montant_ht", "montant_ht", "role", "entreprise__type_structure")
    par_categorie = {key: defaultdict(list) for key in categories}
    for row in rows:
        for key, types in categories.items():
            if row["entreprise__type_structure"] in types:
                par_categorie[key][row["marche_id"]].append(row)
    result = {}
    for key, marches in par_categorie.items():
        montant = ZERO
        for lignes in marches.values():
            sans_montant = [r for r in lignes if r["montant_ht"] is None and r["role"] != RoleEntreprise.SOUS_TRAITANT]
            if sans_montant:
                montant += _d(lignes[0]["marche__montant_ht"])
            else:
                montant += sum((_d(r["montant_ht"]) for r in lignes), ZERO)
        result[key] = _bloc(len(marches), montant)
    return result


def _marches_clause_liste(perimetre: Perimetre, annee: int, limite: int) -> tuple[LigneMarcheClause, ...]:
    """The year's contracts carrying an insertion clause (largest required hours first), with the hours
    realised on them up to the end of the year."""
    debut, fin = _annee_bornes(annee)
    rows = list(
        perimetre.clauses_insertion().filter(marche__date_notification__range=(debut, fin))
        .values("marche_id", "marche__identifiant", "marche__objet", "marche__montant_ht",
                "marche__famille__nom")
        .annotate(requises=Sum("heures_requises")).order_by("-requises", "marche_id")[:limite]
    )
    ids = [r["marche_id"] for r in rows]
    realisees = {}
    if ids:
        heures = HeuresMensuelles.objects.filter(marche_id__in=ids, mois__lte=fin).filter(
            Q(heures__gt=0) | Q(montant_ht__gt=0))
        for r in heures.values("marche_id").annotate(
            h=Sum(heures_effectives(), filter=~Q(modalite=Modalite.FORMATION))
        ).order_by():
            realisees[r["marche_id"]] = _d(r["h"])
        for (marche_id,), (_declarees, comptees) in _formation(heures, m=F("marche_id")).items():
            realisees[marche_id] = realisees.get(marche_id, ZERO) + comptees
    return tuple(
        LigneMarcheClause(
            marche_id=r["marche_id"], identifiant=r["marche__identifiant"], objet=r["marche__objet"],
            famille=r["marche__famille__nom"] or "", montant_ht=_h(r["marche__montant_ht"]),
            heures_requises=_h(r["requises"]), heures_realisees=_h(realisees.get(r["marche_id"])),
            taux_realisation=_part(realisees.get(r["marche_id"], ZERO), r["requises"]),
        )
        for r in rows
    )


def periode_execution(*, date_debut, date_fin, date_notification, duree_mois) -> tuple[date | None, date | None]:
    """A contract's execution period for the expected pace: start = date_debut, else the notification date;
    end = date_fin, else start + duree_mois months; None when it cannot be known."""
    debut = date_debut or date_notification
    fin = date_fin
    if fin is None and debut is not None and duree_mois:
        fin = add_months(debut, int(duree_mois))
    return debut, fin


def _realisation(perimetre: Perimetre, annee: int, aujourd_hui: date, passe: _Passe) -> Realisation:
    """Realisation of the insertion clauses on ONE population: the scope's contracts with an insertion clause,
    notified by 31/12 of the year and whose execution had not ended before 1/1 of the year (contracts in
    execution during the year). Over those same contracts:
    - taux = hours realised since their start up to the reference date ÷ their required hours;
    - rythme = realised ÷ expected by the reference date, expected = required × the elapsed share of each
      contract's execution period (periode_execution); a contract whose end cannot be known (no end date, no
      duration) has no expected pace and is left out of the rythme (counted in `marches_sans_periode`).
    Reference date: 31/12 of the year, or today for the current year (the hours: `passe`, period
    "realisation", read up to that date; the contracts: `passe.dates`)."""
    debut, fin = _annee_bornes(annee)
    reference = min(fin, aujourd_hui)
    population = {}
    for pk, (notification, date_debut, date_fin, duree_mois) in passe.dates.items():
        if notification is None or notification > fin:
            continue  # not notified by the end of the year
        d_debut, d_fin = periode_execution(date_debut=date_debut, date_fin=date_fin, date_notification=notification,
                                           duree_mois=duree_mois)
        if d_fin is not None and d_fin < debut:
            continue  # execution over before the year: not part of the year's population
        population[pk] = (passe.requises[pk], d_debut, d_fin)
    # Realised hours per contract up to the reference month (training capped per contract over that span).
    realisees = {}
    for marche_id, (h, _declarees, comptees) in _heures_par_marche(passe, "realisation").items():
        realisees[marche_id] = (h or ZERO) + (comptees or ZERO)
    requises = realise = attendues = realise_rythme = ZERO
    sans_periode = 0
    for pk, (req, d_debut, d_fin) in population.items():
        requises += req
        realise += realisees.get(pk, ZERO)
        if d_debut is None or d_fin is None:
            sans_periode += 1
            continue
        attendues += req * part_ecoulee(d_debut, d_fin, reference)
        realise_rythme += realisees.get(pk, ZERO)
    # Shares of the figures as shown (rounded to the cent), so that a reader who divides them finds the same.
    requises, realise, attendues, realise_rythme = _h(requises), _h(realise), _h(attendues), _h(realise_rythme)
    return Realisation(
        date_reference=reference, marches=len(population), marches_sans_periode=sans_periode,
        heures_requises=requises, heures_realisees=realise, taux=_part(realise, requises),
        heures_attendues=attendues, heures_realisees_rythme=realise_rythme, rythme=_part(realise_rythme, attendues),
    )


# --------------------------------------------------------------------------- hours breakdowns


def _par_modalite(heures_annee) -> tuple[LigneModalite, ...]:
    formation = _formation(heures_annee).get((), (ZERO, ZERO))[1]
    rows = {r["modalite"]: r for r in heures_annee.values("modalite").annotate(
        h=Sum(heures_effectives()), participants=Count("participant", distinct=True)).order_by()}
    result = []
    for value, label in Modalite.choices:
        if value not in rows:
            continue
        declarees = _d(rows[value]["h"])
        comptees = formation if value == Modalite.FORMATION else declarees
        result.append(LigneModalite(modalite=value, libelle=label, heures_declarees=_h(declarees),
                                    heures=_h(comptees), participants=rows[value]["participants"]))
    return tuple(result)


def _par_famille(heures_annee) -> tuple[LigneFamille, ...]:
    """Per purchase family, training capped per contract (a contract belongs to one family)."""
    totaux = defaultdict(lambda: ZERO)
    for r in heures_annee.exclude(modalite=Modalite.FORMATION).values("marche__famille__nom").annotate(
            h=Sum(heures_effectives())).order_by():
        totaux[r["marche__famille__nom"] or "Sans famille"] += _d(r["h"])
    for (famille,), (_declarees, comptees) in _formation(heures_annee, famille=F("marche__famille__nom")).items():
        totaux[famille or "Sans famille"] += comptees
    return tuple(LigneFamille(famille=k, heures=_h(v)) for k, v in sorted(totaux.items(), key=lambda kv: (-kv[1], kv[0])))


def _par_entreprise(heures_annee, departement: str, limite: int) -> tuple[LigneEntreprise, ...]:
    rows = heures_annee.values("entreprise_id", "entreprise__nom", "entreprise__siret", "entreprise__departement",
                               "entreprise__type_structure").annotate(
        h=Sum(heures_effectives()), participants=Count("participant", distinct=True)).order_by("-h", "entreprise_id")
    return tuple(
        LigneEntreprise(
            entreprise=r["entreprise__nom"] or r["entreprise__siret"], siret=r["entreprise__siret"],
            departement=r["entreprise__departement"], locale=r["entreprise__departement"] == departement,
            type_structure=TypeStructure(r["entreprise__type_structure"]).label
            if r["entreprise__type_structure"] in TypeStructure.values else r["entreprise__type_structure"],
            heures=_h(r["h"]), participants=r["participants"])
        for r in rows[:limite]
    )


def secret_statistique(lignes: list[dict], *, cle: str, libelle_autres: str, effectif: str = "participants",
                       sommes: tuple[str, ...] = ("heures",), seuil: int | None = None) -> list[dict]:
    """The one rule for small numbers in every aggregate shown outside the facilitators (dashboards, PDF, XLSX,
    convention page, open data): a row counting 1 or 2 people (fewer than SEUIL_SECRET_COMMUNE), or whose key
    is empty, is not shown on its own; such rows are summed into one last row `libelle_autres`.
    Rows whose `effectif` is None or 0 point at nobody (e.g. hours sub-contracted to an SIAE) and are kept.
    People are those counted in `effectif` by the caller: only people with hours (a 0 h row counts nobody)."""
    seuil = SEUIL_SECRET_COMMUNE if seuil is None else seuil
    gardees, autres, regroupees = [], dict.fromkeys(sommes, 0), 0
    for ligne in lignes:
        n = ligne.get(effectif)
        if n and (n < seuil or not ligne.get(cle)):
            regroupees += n
            for nom in sommes:
                autres[nom] += ligne.get(nom) or 0
        else:
            gardees.append(ligne)
    if regroupees:
        modele = dict.fromkeys(lignes[0]) if lignes else {}
        gardees.append({**modele, cle: libelle_autres, effectif: regroupees,
                        **{nom: _h(v) if isinstance(v, Decimal) else v for nom, v in autres.items()}})
    return gardees


def _par_public(heures_annee) -> tuple[LignePublic, ...]:
    """Hours and people by eligible public; publics of fewer than SEUIL_SECRET_COMMUNE people are grouped."""
    rows = {r["participant__eligibilites__public"]: r for r in heures_annee.filter(
        participant__eligibilites__isnull=False).values("participant__eligibilites__public").annotate(
        h=Sum(heures_effectives()), participants=Count("participant", distinct=True)).order_by()}
    lignes = [{"public": v, "libelle": label, "participants": rows[v]["participants"], "heures": _h(rows[v]["h"])}
              for v, label in Public.choices if v in rows]
    return tuple(LignePublic(**ligne) for ligne in secret_statistique(
        lignes, cle="libelle", effectif="participants",
        libelle_autres=f"Autres publics (moins de {SEUIL_SECRET_COMMUNE} personnes par public)"))


def _par_commune(heures_annee) -> tuple[LigneCommune, ...]:
    """Hours by the participants' commune of residence; communes with fewer than SEUIL_SECRET_COMMUNE people
    are grouped so that no row points at one person (secret_statistique)."""
    rows = heures_annee.filter(participant__isnull=False).values("participant__commune").annotate(
        h=Sum(heures_effectives()), participants=Count("participant", distinct=True)).order_by("-h")
    lignes = [{"commune": r["participant__commune"], "participants": r["participants"], "heures": _h(r["h"])}
              for r in rows]
    return tuple(LigneCommune(**ligne) for ligne in secret_statistique(
        lignes, cle="commune", effectif="participants", libelle_autres=LIBELLE_AUTRES_COMMUNES))


def _sorties(perimetre: Perimetre, annee: int) -> Sorties:
    """Exits recorded in the year of participants who worked on the scope's contracts (that year or the one before)."""
    debut, fin = _annee_bornes(annee)
    # People who worked on the scope's contracts in the year or the year before (an exit follows the last hours
    # within months): a semi-join over two years of rows rather than a lookup per exit.
    a_travaille = HeuresMensuelles.objects.filter(perimetre._filtre("marche__"), participant__isnull=False,
                                                  mois__range=(date(annee - 1, 1, 1), fin)).values("participant_id")
    rows = Sortie.objects.filter(date_sortie__range=(debut, fin), participant_id__in=a_travaille).values(
        "categorie", "categorie_6_mois").annotate(n=Count("id")).order_by()
    sortie, six_mois = Counter(), Counter()
    for r in rows:
        sortie[r["categorie"]] += r["n"]
        if r["categorie_6_mois"]:
            six_mois[r["categorie_6_mois"]] += r["n"]
    total = sum(sortie.values())
    return Sorties(
        total=total,
        suivis_6_mois=sum(six_mois.values()),
        # Categories of 1 or 2 people are grouped (secret_statistique); empty categories stay, at 0.
        par_categorie=tuple(LigneSortie(**ligne) for ligne in secret_statistique(
            [{"categorie": v, "libelle": label, "nombre": sortie.get(v, 0), "a_6_mois": six_mois.get(v, 0)}
             for v, label in CategorieSortie.choices],
            cle="libelle", effectif="nombre", sommes=("a_6_mois",),
            libelle_autres=f"Autres catégories, moins de {SEUIL_SECRET_COMMUNE} personnes chacune")),
        emploi_durable_part=_part(sortie.get(CategorieSortie.EMPLOI_DURABLE, 0), total),
    )


# --------------------------------------------------------------------------- trends


def _tendance(perimetre: Perimetre, debut: int, fin: int) -> tuple[AnneeTendance, ...]:
    """Per year from `debut` to `fin`: hours realised (training capped), people, contracts and shares."""
    d, f = _annee_bornes(debut, fin)
    heures = perimetre.heures().filter(mois__range=(d, f)).annotate(annee=ExtractYear("mois"))
    par_annee = {r["annee"]: r for r in heures.values("annee").annotate(
        h=Sum(heures_effectives(), filter=~Q(modalite=Modalite.FORMATION)),
        participants=Count("participant", distinct=True), entreprises=Count("entreprise", distinct=True),
    ).order_by()}
    formation = defaultdict(lambda: ZERO)
    for (annee,), (_declarees, comptees) in _formation(perimetre.heures().filter(mois__range=(d, f)),
                                                       annee=ExtractYear("mois")).items():
        formation[int(annee)] += comptees
    sociale, environnementale = consideration_sociale(), consideration_environnementale()
    insertion = ClauseMarche.objects.filter(marche=OuterRef("pk"), type_clause=TypeClause.INSERTION)
    marches = {r["annee"]: r for r in perimetre.marches().filter(date_notification__range=(d, f)).annotate(
        annee=ExtractYear("date_notification"), a_insertion=Exists(insertion)).values("annee").annotate(
        n=Count("id"), sociale=Count("id", filter=sociale), env=Count("id", filter=environnementale),
        insertion=Count("id", filter=Q(a_insertion=True)),
        montant=Sum(Coalesce("montant_ht", Value(ZERO, output_field=DEC), output_field=DEC)),
    ).order_by()}
    result = []
    for annee in range(debut, fin + 1):
        h = par_annee.get(annee, {})
        m = marches.get(annee, {})
        n = m.get("n", 0)
        result.append(AnneeTendance(
            annee=annee,
            heures_realisees=_h(_d(h.get("h")) + formation[annee]),
            participants=h.get("participants", 0),
            entreprises=h.get("entreprises", 0),
            marches_notifies=n,
            montant_notifie_ht=_h(m.get("montant")),
            marches_clause_insertion=m.get("insertion", 0),
            part_sociale=_part(m.get("sociale", 0), n),
            part_environnementale=_part(m.get("env", 0), n),
        ))
    return tuple(result)


# --------------------------------------------------------------------------- the engine


def atteint(part, cible) -> bool:
    """An objective is reached when the share is at least its target (exactly the target: reached)."""
    return part is not None and cible is not None and part >= cible


def cibles_adoptees(acheteur, annee: int) -> dict[str, CibleAdoptee]:
    """Targets the buyer adopted for the year ({"sociale": CibleAdoptee, …}), from the sources other apps register
    in SOURCES_CIBLES (the SPASER app adds its adopted schemes': spaser.selectors.cibles_adoptees)."""
    cibles = {}
    for source in SOURCES_CIBLES:
        for cle, cible in (source(acheteur, annee) or {}).items():
            cibles.setdefault(cle, cible)
    return cibles


def objectif_national(cible: Decimal, marches: Bloc, tous: Bloc) -> ObjectifNational:
    part = _part(marches.nombre, tous.nombre)
    return ObjectifNational(cible=cible, part=part, part_montant=_part(marches.montant_ht, tous.montant_ht),
                            atteint=atteint(part, cible))


def objectifs_de_l_annee(nationaux: ObjectifsNationaux, adoptees: dict[str, CibleAdoptee]) -> Objectifs:
    """Each consideration's share against the target that applies: the SPASER's adopted target for the year when
    there is one, else the national PNAD target; says which (`cible_source`, `cible_libelle`)."""
    result = {}
    for cle, national in nationaux.items():
        adoptee = adoptees.get(cle)
        if adoptee is not None:
            cible, source, libelle = _d(adoptee.cible), "spaser", adoptee.libelle
        else:
            cible, source, libelle = national.cible, "pnad", "cible nationale PNAD"
        result[cle] = Objectif(part=national.part, part_montant=national.part_montant, cible=cible,
                               cible_source=source, cible_libelle=libelle, cible_nationale=national.cible,
                               atteint=atteint(national.part, cible))
    return Objectifs(**result)


@sans_ramasse_miettes()  # tens of thousands of per-contract rows built and dropped: no collection walks them
def indicateurs_annuels(*, acheteur=None, annee: int, depuis: int | None = None, direction=None, famille=None,
                        convention=None, details: bool = True, limite: int = LIMITE_LISTES) -> Indicateurs:
    """Every indicator of one buyer (or one convention's contracts, one direction, one family) for a year,
    and cumulated since `depuis` (default: the first year with hours). `acheteur=None`: the instance's own
    organisation. A typed result (bilans.resultats.Indicateurs), read by attribute; values are Decimal (hours,
    amounts, shares in [0, 1]) or int (counts); shares are None when there is nothing to divide by.
    `details=False` leaves out the breakdowns (None; the JSON keys of the issue only)."""
    annee = int(annee)
    perimetre = perimetre_build(acheteur=acheteur, direction=direction, famille=famille, convention=convention)
    acheteur = perimetre.acheteur
    departement = acheteur.departement or ""
    debut, fin = _annee_bornes(annee)

    marches = _marches_annee(perimetre, annee)
    heures_annee = perimetre.heures().filter(mois__range=(debut, fin))
    aujourd_hui = timezone.localdate()
    passe = _heures_passe(perimetre, fin, departement, reference=min(fin, aujourd_hui), debuts={
        "annee": debut, "cumul": date(int(depuis), 1, 1) if depuis is not None else None})
    # Required hours of the contracts notified in the year (their insertion clauses).
    heures_requises = sum((passe.requises[pk] for pk, (notification, *_) in passe.dates.items()
                           if notification is not None and debut <= notification <= fin), ZERO)
    annuel = _totaux_heures(passe, "annee")
    cumul = _totaux_heures(passe, "cumul")
    if depuis is None:
        depuis = cumul.premiere_annee or annee
    depuis = int(depuis)

    tous = marches["tous"]
    nationaux = ObjectifsNationaux(
        sociale=objectif_national(CIBLE_SOCIALE, marches["sociale"], tous),
        environnementale=objectif_national(CIBLE_ENVIRONNEMENTALE, marches["environnementale"], tous),
    )
    achats = _achats_structures(perimetre, annee)
    return Indicateurs(
        acheteur_siret=acheteur.siret,
        acheteur_nom=acheteur.nom,
        acheteur_departement=departement,
        annee=annee,
        perimetre=perimetre.description(),
        marches_notifies=tous,
        marches_consideration_sociale=marches["sociale"],
        marches_consideration_environnementale=marches["environnementale"],
        marches_clause_insertion=marches["insertion"],
        heures_requises=_h(heures_requises),
        heures_realisees=annuel.heures_realisees,
        participants=annuel.participants,
        entreprises=annuel.entreprises,
        entreprises_locales_part=annuel.entreprises_locales_part,
        cumul=Cumul(depuis=depuis, heures_realisees=cumul.heures_realisees, participants=cumul.participants,
                    entreprises=cumul.entreprises, entreprises_locales_part=cumul.entreprises_locales_part,
                    entreprises_locales=cumul.entreprises_locales),
        entreprises_locales=annuel.entreprises_locales,
        heures_formation_declarees=annuel.heures_formation_declarees,
        heures_formation_comptees=annuel.heures_formation_comptees,
        considerations=Considerations(**{f.name: marches[f.name] for f in fields(Considerations)}),
        objectifs_nationaux=nationaux,
        conformite=Conformite(conforme=marches["conforme"], non_conforme=marches["non_conforme"],
                              non_soumis=marches["non_soumis"],
                              manquements=_manquements(perimetre, annee) if details else None),
        realisation=_realisation(perimetre, annee, aujourd_hui, passe),
        objectifs=objectifs_de_l_annee(nationaux, cibles_adoptees(acheteur, annee)),
        achats_siae=achats["achats_siae"],
        achats_ea_esat=achats["achats_ea_esat"],
        achats_ess=achats["achats_ess"],
        examens=examens_chiffres(marches=perimetre.marches(), annee=annee),
        **({
            "marches_clause_liste": _marches_clause_liste(perimetre, annee, limite),
            "heures_par_modalite": _par_modalite(heures_annee),
            "heures_par_famille": _par_famille(heures_annee),
            "heures_par_entreprise": _par_entreprise(heures_annee, departement, limite),
            "heures_par_public": _par_public(heures_annee),
            "heures_par_commune": _par_commune(heures_annee),
            "sorties": _sorties(perimetre, annee),
            "tendance": _tendance(perimetre, max(depuis, annee - 9), annee),
        } if details else {}),
    )


__all__ = ["to_jsonable"]  # re-exported: generer_bilan and the tests read it from here


# --- The latest bilan, for home pages (stored figures: nothing computed here) -------------------------------------

def _bilans_de_l_organisation(user):
    """Bilans of the user's whole organisation (the instance's for a user without one), without restriction to a
    direction, a family or a convention, that the user may read."""
    organisation = user.organisation if user.organisation_id else Organisation.objects.instance()
    if organisation is None:
        return Bilan.objects.none()
    return (Bilan.objects.visibles_par(user)
            .filter(acheteur=organisation, direction__isnull=True, famille__isnull=True, convention__isnull=True)
            .select_related("acheteur", "demande_par", "tache"))


def bilan_dernier(*, user):
    """The most recent produced bilan (latest year, then latest produced) of the user's organisation, or None."""
    return _bilans_de_l_organisation(user).exclude(fichier="").order_by("-annee", "-generated_at", "-id").first()


def bilan_en_preparation(*, user):
    """A bilan of the user's organisation asked for and not produced yet (the latest asked), or None."""
    return (_bilans_de_l_organisation(user).filter(fichier="", tache__etat__in=(Tache.Etat.EN_ATTENTE,
                                                                                 Tache.Etat.EN_COURS))
            .order_by("-created_at", "-id").first())


def producteurs_bilan():
    """Who produces the annual bilan: the active DCP users (named to the élus who wait for it)."""
    return list(User.objects.filter(role=Role.DCP, is_active=True).order_by("last_name", "first_name", "username")
                .only("first_name", "last_name", "username", "email")[:5])


def bilan_a_venir(*, user) -> dict:
    """What a page says of the annual bilan (élu home, bilan list): the latest produced bilan of the user's
    organisation; when there is none, the one being prepared and who produces it, instead of only "no bilan"."""
    dernier = bilan_dernier(user=user)
    if dernier is not None:
        return {"bilan_dernier": dernier}
    return {"bilan_dernier": None, "bilan_en_preparation": bilan_en_preparation(user=user),
            "producteurs_bilan": producteurs_bilan()}

