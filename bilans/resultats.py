"""The typed results of the indicator engine (bilans.selectors.indicateurs_annuels): what the dashboards, the PDF,
the charts, the XLSX exports, the SPASER evaluation, the public site and `generer_bilan --format json` read, by
attribute. Frozen dataclasses: a result is computed once, then only read (and cached: they pickle).

Each figure reaches its written definition (bilans.definitions): `Indicateurs.definition("heures_realisees")`,
`resultat.definitions.<field>` in a template, or the `definition` property of a block that has one.

`to_jsonable` turns a result into the JSON of `generer_bilan --format json`: the same keys as the field names, in
the same order; the breakdowns left out by `details=False` (None) are absent, not null."""

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal

from examens.resultats import ChiffresExamens

from .definitions import DEFINITIONS, Definition

ZERO = Decimal("0")
DETAIL = {"detail": True}  # a breakdown computed only with details=True: absent from the JSON when None


def _detail(default=None):
    return field(default=default, metadata=DETAIL)


@dataclass(frozen=True)
class Bloc:
    """Contracts counted and their summed amount (excl. tax)."""

    nombre: int = 0
    montant_ht: Decimal = ZERO


@dataclass(frozen=True)
class DescriptionPerimetre:
    direction: str | None = None
    famille: str | None = None
    convention: str | None = None

    LIBELLES = {"direction": "Direction", "famille": "Famille", "convention": "Convention"}

    def renseignes(self) -> list[tuple[str, str]]:
        """(label, value) of the restrictions that apply, in order."""
        return [(self.LIBELLES[f.name], getattr(self, f.name)) for f in fields(self) if getattr(self, f.name)]


@dataclass(frozen=True)
class Cumul:
    depuis: int
    heures_realisees: Decimal = ZERO
    participants: int = 0
    entreprises: int = 0
    entreprises_locales_part: Decimal | None = None
    entreprises_locales: int = 0

    @property
    def definition(self) -> Definition:
        return DEFINITIONS["cumul"]


@dataclass(frozen=True)
class Considerations:
    """The year's notified contracts by each social or environmental consideration (a contract may carry several)."""

    clause_sociale: Bloc = field(default_factory=Bloc)
    critere_social: Bloc = field(default_factory=Bloc)
    marche_reserve: Bloc = field(default_factory=Bloc)
    reserve_ea_esat: Bloc = field(default_factory=Bloc)
    reserve_siae: Bloc = field(default_factory=Bloc)
    reserve_ess: Bloc = field(default_factory=Bloc)
    clause_environnementale: Bloc = field(default_factory=Bloc)
    critere_environnemental: Bloc = field(default_factory=Bloc)
    sociale_et_environnementale: Bloc = field(default_factory=Bloc)

    @property
    def definition(self) -> Definition:
        return DEFINITIONS["considerations"]


@dataclass(frozen=True)
class ObjectifNational:
    """A consideration's share of the notified contracts against the national (PNAD) target."""

    cible: Decimal
    part: Decimal | None
    part_montant: Decimal | None
    atteint: bool


@dataclass(frozen=True)
class CibleAdoptee:
    """A target the buyer adopted for the year (a source of bilans.selectors.SOURCES_CIBLES returns them)."""

    cible: Decimal
    libelle: str


@dataclass(frozen=True)
class Objectif:
    """A consideration's share against the target that applies (`cible_source`: "spaser" or "pnad")."""

    part: Decimal | None
    part_montant: Decimal | None
    cible: Decimal
    cible_source: str
    cible_libelle: str
    cible_nationale: Decimal
    atteint: bool

    @property
    def definition(self) -> Definition:
        return DEFINITIONS["objectifs"]


class _ParConsideration:
    CLES = ("sociale", "environnementale")

    def items(self):
        """(consideration, value) pairs, social first."""
        return [(cle, getattr(self, cle)) for cle in self.CLES]


@dataclass(frozen=True)
class ObjectifsNationaux(_ParConsideration):
    sociale: ObjectifNational
    environnementale: ObjectifNational


@dataclass(frozen=True)
class Objectifs(_ParConsideration):
    sociale: Objectif
    environnementale: Objectif


@dataclass(frozen=True)
class Manquement:
    manquement: str
    nombre: int


@dataclass(frozen=True)
class Conformite:
    conforme: Bloc = field(default_factory=Bloc)
    non_conforme: Bloc = field(default_factory=Bloc)
    non_soumis: Bloc = field(default_factory=Bloc)
    manquements: tuple[Manquement, ...] | None = _detail()

    @property
    def definition(self) -> Definition:
        return DEFINITIONS["conformite"]


@dataclass(frozen=True)
class Realisation:
    """Realisation of the insertion clauses of the contracts in execution in the year (one population)."""

    date_reference: date | None = None
    marches: int = 0
    marches_sans_periode: int = 0
    heures_requises: Decimal = ZERO
    heures_realisees: Decimal = ZERO
    taux: Decimal | None = None
    heures_attendues: Decimal = ZERO
    heures_realisees_rythme: Decimal = ZERO
    rythme: Decimal | None = None

    @property
    def definition(self) -> Definition:
        return DEFINITIONS["taux_realisation_heures"]

    @property
    def definition_rythme(self) -> Definition:
        return DEFINITIONS["rythme_realisation_heures"]


@dataclass(frozen=True)
class LigneMarcheClause:
    marche_id: int
    identifiant: str
    objet: str
    famille: str
    montant_ht: Decimal
    heures_requises: Decimal
    heures_realisees: Decimal
    taux_realisation: Decimal | None


@dataclass(frozen=True)
class LigneModalite:
    modalite: str
    libelle: str
    heures_declarees: Decimal
    heures: Decimal
    participants: int


@dataclass(frozen=True)
class LigneFamille:
    famille: str
    heures: Decimal


@dataclass(frozen=True)
class LigneEntreprise:
    entreprise: str
    siret: str
    departement: str
    locale: bool
    type_structure: str
    heures: Decimal
    participants: int


@dataclass(frozen=True)
class LignePublic:
    public: str | None
    libelle: str
    participants: int
    heures: Decimal


@dataclass(frozen=True)
class LigneCommune:
    commune: str
    participants: int
    heures: Decimal


@dataclass(frozen=True)
class LigneSortie:
    categorie: str | None
    libelle: str
    nombre: int
    a_6_mois: int


@dataclass(frozen=True)
class Sorties:
    total: int
    suivis_6_mois: int
    par_categorie: tuple[LigneSortie, ...]
    emploi_durable_part: Decimal | None

    @property
    def definition(self) -> Definition:
        return DEFINITIONS["sorties"]


@dataclass(frozen=True)
class AnneeTendance:
    annee: int
    heures_realisees: Decimal
    participants: int
    entreprises: int
    marches_notifies: int
    montant_notifie_ht: Decimal
    marches_clause_insertion: int
    part_sociale: Decimal | None
    part_environnementale: Decimal | None


# Field of Indicateurs → key of its written definition (bilans.definitions.DEFINITIONS).
DEFINITIONS_CHAMPS = {
    "marches_notifies": "marches_notifies_montant",
    "marches_consideration_sociale": "marches_consideration_sociale_montant",
    "marches_consideration_environnementale": "marches_consideration_environnementale_montant",
    "marches_clause_insertion": "marches_clause_insertion_nombre",
    "heures_requises": "heures_requises",
    "heures_realisees": "heures_realisees",
    "participants": "participants",
    "entreprises": "entreprises",
    "entreprises_locales_part": "entreprises_locales_part",
    "entreprises_locales": "entreprises_locales_part",
    "cumul": "cumul",
    "heures_formation_declarees": "heures_modalite",
    "heures_formation_comptees": "heures_modalite",
    "considerations": "considerations",
    "objectifs_nationaux": "objectifs",
    "objectifs": "objectifs",
    "conformite": "conformite",
    "realisation": "taux_realisation_heures",
    "achats_siae": "achats_siae_montant",
    "achats_ea_esat": "achats_handicap_montant",
    "achats_ess": "achats_ess_montant",
    "marches_clause_liste": "marches_clause",
    "heures_par_modalite": "heures_modalite",
    "heures_par_famille": "heures_famille",
    "heures_par_entreprise": "heures_entreprise",
    "heures_par_public": "heures_public",
    "heures_par_commune": "heures_commune",
    "sorties": "sorties",
    "tendance": "tendance_heures",
    "examens": "examens",
}


@dataclass(frozen=True)
class Indicateurs:
    """Every indicator of one scope for a year (see bilans.selectors.indicateurs_annuels). Hours, amounts and
    shares (in [0, 1]) are Decimal, counts int; a share is None when there is nothing to divide by. The
    breakdowns (`marches_clause_liste` … `tendance`, `conformite.manquements`) are None with details=False."""

    acheteur_siret: str = ""
    acheteur_nom: str = ""
    acheteur_departement: str = ""
    annee: int = 0
    perimetre: DescriptionPerimetre = field(default_factory=DescriptionPerimetre)
    marches_notifies: Bloc = field(default_factory=Bloc)
    marches_consideration_sociale: Bloc = field(default_factory=Bloc)
    marches_consideration_environnementale: Bloc = field(default_factory=Bloc)
    marches_clause_insertion: Bloc = field(default_factory=Bloc)
    heures_requises: Decimal = ZERO
    heures_realisees: Decimal = ZERO
    participants: int = 0
    entreprises: int = 0
    entreprises_locales_part: Decimal | None = None
    cumul: Cumul | None = None
    entreprises_locales: int = 0
    heures_formation_declarees: Decimal = ZERO
    heures_formation_comptees: Decimal = ZERO
    considerations: Considerations = field(default_factory=Considerations)
    objectifs_nationaux: ObjectifsNationaux | None = None
    conformite: Conformite = field(default_factory=Conformite)
    realisation: Realisation = field(default_factory=Realisation)
    objectifs: Objectifs | None = None
    achats_siae: Bloc | None = None
    achats_ea_esat: Bloc | None = None
    achats_ess: Bloc | None = None
    # Examinations before launch (examens.selectors.examens_chiffres), for the same scope and year.
    examens: ChiffresExamens | None = None
    marches_clause_liste: tuple[LigneMarcheClause, ...] | None = _detail()
    heures_par_modalite: tuple[LigneModalite, ...] | None = _detail()
    heures_par_famille: tuple[LigneFamille, ...] | None = _detail()
    heures_par_entreprise: tuple[LigneEntreprise, ...] | None = _detail()
    heures_par_public: tuple[LignePublic, ...] | None = _detail()
    heures_par_commune: tuple[LigneCommune, ...] | None = _detail()
    sorties: Sorties | None = _detail()
    tendance: tuple[AnneeTendance, ...] | None = _detail()

    @property
    def details(self) -> bool:
        return self.tendance is not None

    @staticmethod
    def definition(champ: str) -> Definition | None:
        """The written definition of one field's figure (None for identity fields: buyer, year, scope)."""
        cle = DEFINITIONS_CHAMPS.get(champ)
        return DEFINITIONS.get(cle) if cle else None

    @property
    def definitions(self) -> dict[str, Definition]:
        """{field: definition} (templates: `data.definitions.heures_realisees.texte`)."""
        return {champ: DEFINITIONS[cle] for champ, cle in DEFINITIONS_CHAMPS.items()}


def to_jsonable(value):
    """A result (or any mix of dataclasses, dicts, lists, Decimal, dates) as JSON values: Decimal → int or float,
    date → ISO text, a dataclass → its fields in order (a breakdown left out by details=False is absent)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)
                if not (f.metadata.get("detail") and getattr(value, f.name) is None)}
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
