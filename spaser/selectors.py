"""Reads of the SPASER used by views, exports and the public site."""

import datetime
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Max, Prefetch, Q, Sum
from django.utils import timezone

from bilans.definitions import texte as definition_texte
from bilans.figures import indicateurs_servis
from bilans.resultats import CibleAdoptee, Indicateurs
from bilans.selectors import indicateurs_annuels
from clauses.models import FamilleAchat
from core.models import Organisation
from core.templatetags.formats import format_date
from marches.models import Marche

from .enums import SourceIndicateur, StatutAction, StatutEvaluation, StatutSpaser
from .evaluation import cible_de_l_annee, evaluer_indicateur
from .models import (
    Action,
    Axe,
    DocumentStrategique,
    Indicateur,
    Objectif,
    Programmation,
    Spaser,
    ValeurManuelle,
)

SEUIL_OBLIGATION = Decimal(str(getattr(settings, "SPASER", {}).get("SEUIL_OBLIGATION_EUROS", "50000000")))


# --- The indicator engine ------------------------------------------------------------------------------


def figures_moteur(acheteur, annee: int):
    """The engine's result (bilans.resultats.Indicateurs) for one buyer and one year, without the breakdowns, as
    a page serves it (bilans.figures.indicateurs_servis): stored figures, never computed in the request.
    Returns (figures or None while they are first computed, their state)."""
    return indicateurs_servis(acheteur=acheteur, annee=annee, details=False)


def figures_calculees(acheteur, annee: int) -> Indicateurs:
    """The engine's result computed now: for jobs only (the annual bilan's SPASER section)."""
    return indicateurs_annuels(acheteur=acheteur, annee=annee, details=False)


class Moteur:
    """Memoises the engine for one request: each (buyer, year) is read once. A source returns the figures, or
    (figures, state) as figures_moteur does: `etat` then says what the page shows (the least current)."""

    def __init__(self, source=None):
        self.source = source or figures_moteur
        self._cache = {}
        self.etats = []

    def __call__(self, acheteur, annee: int) -> Indicateurs | None:
        key = (acheteur.pk, annee)
        if key not in self._cache:
            resultat = self.source(acheteur, annee)
            if isinstance(resultat, tuple):
                resultat, etat = resultat
                self.etats.append(etat)
            self._cache[key] = resultat
        return self._cache[key]

    @property
    def etat(self):
        """The state of the least current figures read (None: all current, or computed on the spot): figures not
        computed yet first, else the oldest served."""
        en_retard = [e for e in self.etats if not e.a_jour]
        if not en_retard:
            return None
        sans_chiffres = [e for e in en_retard if not e.disponibles]
        return sans_chiffres[0] if sans_chiffres else min(en_retard, key=lambda e: e.calcule_le)


# --- Adopted targets for the bilans engine ------------------------------------------------------------

# The engine's objectives and the scheme's indicators that carry their targets.
FIGURES_CIBLES = {"sociale": "part_marches_consideration_sociale_nombre",
                  "environnementale": "part_marches_consideration_environnementale_nombre"}
STATUTS_ADOPTES = (StatutSpaser.ADOPTE, StatutSpaser.EN_VIGUEUR, StatutSpaser.REMPLACE)


def spaser_adopte(*, acheteur, annee: int):
    """The adopted scheme (adopted, in force, or since replaced) covering the buyer for that year; the most
    recently adopted when several do. None when the buyer has none."""
    return (Spaser.objects.filter(statut__in=STATUTS_ADOPTES, acheteurs=acheteur, annee_debut__lte=annee,
                                  annee_fin__gte=annee)
            .order_by(F("date_adoption").desc(nulls_last=True), "-pk").first())


def cibles_adoptees(acheteur, annee: int) -> dict[str, CibleAdoptee]:
    """{"sociale"|"environnementale": CibleAdoptee(cible, libelle)}: the year's target of the adopted scheme's indicator
    bound to that share (explicit, interpolated or carried over, as on the evaluation page). Registered in
    bilans.selectors.SOURCES_CIBLES, so the dashboards and the PDF measure against it instead of the PNAD's."""
    if acheteur is None:
        return {}
    spaser = spaser_adopte(acheteur=acheteur, annee=int(annee))
    if spaser is None:
        return {}
    indicateurs = (Indicateur.objects.filter(objectif__axe__spaser=spaser, figure__in=FIGURES_CIBLES.values(),
                                             source_type=SourceIndicateur.MOTEUR)
                   .prefetch_related("cibles").order_by("objectif__axe__ordre", "objectif__ordre", "ordre", "pk"))
    par_figure = {}
    for indicateur in indicateurs:
        par_figure.setdefault(indicateur.figure, indicateur)
    adopte = (f"cible du SPASER adopté le {format_date(spaser.date_adoption)}" if spaser.date_adoption
              else f"cible du SPASER « {spaser.titre} » ({spaser.get_statut_display().lower()})")
    result = {}
    for cle, figure in FIGURES_CIBLES.items():
        indicateur = par_figure.get(figure)
        if indicateur is None:
            continue
        cible = cible_de_l_annee(annee=int(annee), cibles={c.annee: c.valeur for c in indicateur.cibles.all()},
                                 annee_reference=indicateur.annee_reference,
                                 valeur_reference=indicateur.valeur_reference)
        if cible is not None:
            result[cle] = CibleAdoptee(cible=cible, libelle=adopte)
    return result


# --- The scheme ------------------------------------------------------------------------------------------


def spaser_en_vigueur(*, acheteur=None, public: bool = False, strict: bool = False):
    """The scheme in force (for a buyer, by default the instance's); the public site needs it published.
    `strict`: only a scheme that covers that buyer (else any scheme in force)."""
    qs = Spaser.objects.publics() if public else Spaser.objects.en_vigueur()
    if acheteur is None:
        acheteur = Organisation.objects.instance()
    if acheteur is not None:
        trouve = qs.filter(acheteurs=acheteur).order_by("-date_adoption", "-pk").first()
        if trouve is not None or strict:
            return trouve
    return qs.order_by("-date_adoption", "-pk").first()


def spaser_list():
    return Spaser.objects.prefetch_related("acheteurs").order_by("-annee_debut", "-created_at")


def spaser_structure(*, spaser: Spaser, public: bool = False) -> dict:
    """Axes → objectives → indicators (with targets) and actions, documents. Public: only what is published."""
    indicateurs = Indicateur.objects.prefetch_related("cibles").order_by("ordre", "pk")
    actions = Action.objects.select_related("direction", "objectif").order_by("echeance", "pk")
    documents = DocumentStrategique.objects.filter(spaser=spaser)
    if public:
        indicateurs = indicateurs.filter(published=True)
        actions = actions.filter(published=True)
        documents = documents.filter(published=True)
    axes = list(
        Axe.objects.filter(spaser=spaser).prefetch_related(
            Prefetch("objectifs", queryset=Objectif.objects.order_by("ordre", "pk").prefetch_related(
                Prefetch("indicateurs", queryset=indicateurs),
                Prefetch("actions", queryset=actions),
            ))
        )
    )
    return {
        "axes": axes,
        "actions": list(actions.filter(spaser=spaser)),
        "actions_transverses": list(actions.filter(spaser=spaser, objectif__isnull=True)),
        "documents": list(documents),
        "acheteurs": list(spaser.acheteurs.all()),
    }


def indicateurs_du_spaser(spaser: Spaser, *, public: bool = False) -> list[Indicateur]:
    qs = (Indicateur.objects.filter(objectif__axe__spaser=spaser)
          .select_related("objectif__axe").prefetch_related("cibles")
          .order_by("objectif__axe__ordre", "objectif__axe__pk", "objectif__ordre", "objectif__pk", "ordre", "pk"))
    if public:
        qs = qs.filter(published=True)
    return list(qs)


def _valeurs_manuelles(indicateurs, acheteur) -> dict:
    rows = ValeurManuelle.objects.filter(indicateur__in=[i.pk for i in indicateurs], acheteur=acheteur)
    return {(v.indicateur_id, v.acheteur_id, v.annee): v for v in rows}


def evaluation_spaser(*, spaser: Spaser, acheteur, annee: int, moteur=None, public: bool = False,
                      tendance: bool = True) -> dict:
    """Every indicator of the scheme for one buyer and one year: target, actual, gap, status; plus the trend
    over the period (years up to `annee`) for the charts."""
    moteur = moteur if isinstance(moteur, Moteur) else Moteur(moteur)
    indicateurs = indicateurs_du_spaser(spaser, public=public)
    manuelles = _valeurs_manuelles(indicateurs, acheteur)
    annees_tendance = [a for a in spaser.annees if a <= annee] if tendance else [annee]
    if tendance and spaser.annee_debut > annee:
        annees_tendance = [annee]
    lignes = []
    for indicateur in indicateurs:
        cibles = {c.annee: c.valeur for c in indicateur.cibles.all()}
        serie = []
        for an in annees_tendance:
            figures = moteur(acheteur, an) if indicateur.est_calcule else None
            serie.append(evaluer_indicateur(indicateur, acheteur_id=acheteur.pk, annee=an, figures=figures,
                                            valeurs_manuelles=manuelles, cibles=cibles))
        figures = moteur(acheteur, annee) if indicateur.est_calcule else None
        ligne = evaluer_indicateur(indicateur, acheteur_id=acheteur.pk, annee=annee, figures=figures,
                                   valeurs_manuelles=manuelles, cibles=cibles)
        ligne["serie"] = serie
        ligne["source_valeur"] = _source_valeur(indicateur, manuelles, acheteur, annee)
        ligne["definition"] = definition_indicateur(indicateur)
        lignes.append(ligne)
    resume = Counter(ligne["statut"] for ligne in lignes)
    axes = []
    for ligne in lignes:
        axe = ligne["indicateur"].objectif.axe
        if not axes or axes[-1]["axe"].pk != axe.pk:
            axes.append({"axe": axe, "lignes": []})
        axes[-1]["lignes"].append(ligne)
    return {
        "spaser": spaser, "acheteur": acheteur, "annee": annee, "lignes": lignes, "axes": axes,
        "annees_tendance": annees_tendance, "etat_figures": moteur.etat,
        "resume": {statut: resume.get(statut, 0) for statut in StatutEvaluation.values},
    }


def _source_valeur(indicateur, manuelles, acheteur, annee) -> str:
    if indicateur.est_calcule:
        return f"Calculé : {indicateur.figure_libelle}"
    ligne = manuelles.get((indicateur.pk, acheteur.pk, annee))
    return (ligne.source if ligne is not None and ligne.source else indicateur.source) or "Saisie"


# --- Obligation and publication --------------------------------------------------------------------


def volume_achats(*, acheteur, annee: int) -> Decimal:
    """The buyer's purchases of a year: sum of the amounts of the contracts notified that year."""

    total = Marche.objects.filter(acheteur=acheteur, date_notification__year=annee).aggregate(t=Sum("montant_ht"))["t"]
    return total or Decimal("0")


def obligation(*, acheteur, annee: int, moteur=None) -> dict:
    """L2111-3 / D2111-3: a SPASER is mandatory above 50 M€ HT of yearly purchases; voluntary below.
    With a `moteur` (a page's: Moteur()), the volume is the engine's notified amount of the year as served
    (the same sum, volume_achats; None while first computed: `obligatoire` is then None too); without, it is
    summed now (jobs)."""
    if moteur is None:
        volume = volume_achats(acheteur=acheteur, annee=annee)
    else:
        figures = moteur(acheteur, annee)
        volume = figures.marches_notifies.montant_ht if figures is not None else None
    return {"acheteur": acheteur, "annee": annee, "volume": volume, "seuil": SEUIL_OBLIGATION,
            "obligatoire": volume >= SEUIL_OBLIGATION if volume is not None else None}


def _ajouter_annees(date: datetime.date, annees: int) -> datetime.date:
    try:
        return date.replace(year=date.year + annees)
    except ValueError:  # 29 February
        return date.replace(year=date.year + annees, day=28)


def prochaine_publication(*, spaser: Spaser, aujourd_hui: datetime.date | None = None):
    """Indicators are published every two years (D2111-3). Anchor: 1 January of the configured start year if
    set, else the adoption date; the next publication is the first anchor + 2k years (k ≥ 0) not in the past.
    None while the scheme has neither."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    if spaser.annee_depart_publication:
        ancre = datetime.date(spaser.annee_depart_publication, 1, 1)
    elif spaser.date_adoption:
        ancre = spaser.date_adoption
    else:
        return None
    date = ancre
    while date < aujourd_hui:
        date = _ajouter_annees(date, 2)
    return date


# --- Forecast of upcoming purchases -----------------------------------------------------------------


def programmation_filtrer(queryset, params: dict) -> tuple:
    """Filters of the forecast lists (public and internal): `params` as cleaned by
    spaser.filters.ProgrammationFiltresForm (famille: an id; trimestre: "2026-T3" or "3"; montant_min,
    montant_max: Decimals; q: search in object, family, planned clauses). Returns the queryset and the filters
    applied, as the page shows them."""
    filtres = {}
    famille = params.get("famille")
    if famille:
        queryset = queryset.filter(famille_id=famille)
        filtres["famille"] = str(famille)
    trimestre = params.get("trimestre") or ""
    if trimestre:
        annee, _, numero = trimestre.rpartition("-T")
        queryset = queryset.filter(trimestre=int(numero), **({"annee": int(annee)} if annee else {}))
        filtres["trimestre"] = trimestre
    for nom, lookup in (("montant_min", "montant_estime_ht__gte"), ("montant_max", "montant_estime_ht__lte")):
        valeur = params.get(nom)
        if valeur is not None:
            queryset = queryset.filter(**{lookup: valeur})
            filtres[nom] = valeur
    q = params.get("q") or ""
    if q:
        queryset = queryset.filter(Q(objet__icontains=q) | Q(famille__nom__icontains=q) |
                                   Q(clauses_prevues__icontains=q))
        filtres["q"] = q
    return queryset, filtres


def programmation_publique(*, aujourd_hui: datetime.date | None = None):
    """Published entries still to come: from the current quarter on (a past quarter is no longer "à venir";
    the DCP moves an entry whose launch slipped)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    trimestre = (aujourd_hui.month - 1) // 3 + 1
    return (Programmation.objects.publiees()
            .filter(Q(annee__gt=aujourd_hui.year) | Q(annee=aujourd_hui.year, trimestre__gte=trimestre))
            .select_related("famille", "acheteur").order_by("annee", "trimestre", "objet", "pk"))


def decp_annees(acheteur) -> list[int]:
    """Years in which the buyer notified contracts (one DECP file per year on the open-data page)."""

    dates = (Marche.objects.filter(acheteur=acheteur, date_notification__isnull=False)
             .dates("date_notification", "year", order="DESC"))
    return [d.year for d in dates]


def programmation_interne():
    return Programmation.objects.select_related("famille", "acheteur", "direction").order_by(
        "annee", "trimestre", "objet", "pk")


def trimestres_proposes(queryset) -> list[tuple[str, str]]:
    periodes = queryset.order_by().values_list("annee", "trimestre").distinct()
    return [(f"{a}-T{t}", f"T{t} {a}") for a, t in sorted(set(periodes))]


# --- Public indicators (number and value) --------------------------------------------------------

FIGURES_LEGALES = [
    "marches_notifies_nombre", "marches_notifies_montant",
    "marches_consideration_sociale_nombre", "part_marches_consideration_sociale_nombre",
    "marches_consideration_sociale_montant", "part_marches_consideration_sociale_montant",
    "marches_consideration_environnementale_nombre", "part_marches_consideration_environnementale_nombre",
    "marches_consideration_environnementale_montant", "part_marches_consideration_environnementale_montant",
]


def definition_indicateur(indicateur) -> str:
    """The written definition of a scheme's indicator: its figure's (bilans.definitions) when computed, else where
    its hand-entered values come from."""
    if indicateur.est_calcule:
        return definition_texte(indicateur.figure)
    source = f" Source : {indicateur.source}." if indicateur.source else ""
    return f"Valeur saisie à la main par l'acheteur pour l'année.{source}"


def annees_publiables(spaser: Spaser, aujourd_hui: datetime.date | None = None) -> list[int]:
    """Complete years of the period (the current year is not over: it is not published)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    annees = [a for a in spaser.annees if a < aujourd_hui.year]
    return annees


def indicateurs_publics(*, spaser: Spaser, moteur=None, aujourd_hui=None) -> dict:
    """What the public site and its open data show: per covered buyer and complete year, the legal figures
    (contracts with a social / environmental consideration, in number and in value) and the scheme's
    published indicators with their targets. Aggregates only: no contract, no person."""
    from .figures import FIGURES, figure_value

    aujourd_hui = aujourd_hui or timezone.localdate()
    moteur = moteur if isinstance(moteur, Moteur) else Moteur(moteur)
    statuts = dict(StatutEvaluation.choices)
    blocs = []
    for acheteur in spaser.acheteurs.order_by("nom"):
        annees = []
        for annee in annees_publiables(spaser, aujourd_hui):
            figures = moteur(acheteur, annee)
            evaluation = evaluation_spaser(spaser=spaser, acheteur=acheteur, annee=annee, moteur=moteur,
                                           public=True, tendance=False)
            annees.append({
                "annee": annee,
                "obligations_legales": [
                    {"cle": cle, "libelle": FIGURES[cle].libelle, "unite": FIGURES[cle].unite,
                     "valeur": figure_value(cle, figures), "definition": definition_texte(cle)}
                    for cle in FIGURES_LEGALES
                ],
                "indicateurs": [
                    {"libelle": ligne["indicateur"].libelle, "axe": ligne["indicateur"].objectif.axe.titre,
                     "objectif": ligne["indicateur"].objectif.titre, "unite": ligne["indicateur"].unite,
                     "valeur": ligne["reel"], "cible": ligne["cible"], "statut": str(statuts[ligne["statut"]]),
                     "source": ligne["source_valeur"], "definition": ligne["definition"]}
                    for ligne in evaluation["lignes"]
                ],
            })
        blocs.append({"siret": acheteur.siret, "nom": acheteur.nom, "annees": annees})
    return {
        "schema": {"titre": spaser.titre, "version": spaser.version, "periode": [spaser.annee_debut, spaser.annee_fin],
                   "date_adoption": spaser.date_adoption.isoformat() if spaser.date_adoption else None,
                   "reference_deliberation": spaser.reference_deliberation},
        "date": aujourd_hui.isoformat(),
        "acheteurs": blocs,
    }


# --- Reads moved out of the views (views/*.py call these) -----------------------------------------------


def annee_par_defaut(spaser: Spaser | None) -> int:
    """The last complete year, kept inside the scheme's period."""
    annee = timezone.localdate().year - 1
    if spaser is not None:
        annee = min(max(annee, spaser.annee_debut), spaser.annee_fin)
    return annee


def spaser_versions_de(acheteur):
    """The schemes (every version) that cover one buyer: what a partner user may read."""
    return spaser_list().filter(acheteurs=acheteur)


def actions_compteurs(*, spaser: Spaser, aujourd_hui: datetime.date) -> dict:
    """The scheme's actions: how many, how many done, how many late (past due, neither done nor dropped)."""
    actions = spaser.actions
    return {
        "total": actions.count(),
        "realisees": actions.filter(statut=StatutAction.REALISEE).count(),
        "en_retard": actions.filter(echeance__lt=aujourd_hui)
        .exclude(statut__in=[StatutAction.REALISEE, StatutAction.ABANDONNEE]).count(),
    }


def programmation_par_publication(queryset, publie: str):
    """`publie` = "oui" / "non" keeps the published / unpublished entries; anything else keeps them all."""
    if publie in ("oui", "non"):
        return queryset.filter(published=publie == "oui")
    return queryset


def familles_achat():
    """Every purchase family, by name (the internal forecast's filter)."""
    return FamilleAchat.objects.order_by("nom")


def familles_programmation_publique():
    """The purchase families of at least one published forecast entry, by name (the public filter)."""
    return FamilleAchat.objects.filter(programmations__published=True).distinct().order_by("nom")


def programmation_publique_date():
    """When the published forecast last changed (None when empty)."""
    return programmation_publique().aggregate(d=Max("updated_at"))["d"]


def decp_date(acheteur):
    """When the buyer's contracts (its DECP export) last changed (None without contract)."""
    return Marche.objects.filter(acheteur=acheteur).aggregate(d=Max("updated_at"))["d"]


def programmation_a_venir(*, user, today: datetime.date | None = None, limite: int = 5):
    """The purchases programmed from this quarter on by the buyer's direction (its organisation's when it has no
    direction): what the buyer will have to put out to tender next, soonest first."""
    today = today or timezone.localdate()
    trimestre = (today.month - 1) // 3 + 1
    qs = Programmation.objects.filter(Q(annee__gt=today.year) | Q(annee=today.year, trimestre__gte=trimestre))
    if user.direction_id:
        qs = qs.filter(direction_id=user.direction_id)
    elif user.organisation_id:
        qs = qs.filter(acheteur_id=user.organisation_id)
    else:
        return []
    return list(qs.select_related("famille").order_by("annee", "trimestre", "objet", "pk")[:limite])
