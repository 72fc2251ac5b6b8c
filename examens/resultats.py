"""The examinations' figures for one scope and one year (examens.selectors.examens_chiffres): a frozen dataclass,
read by attribute by the examinations' page, the indicator engine (bilans) and the SPASER evaluation.

Two populations, each with its own denominator (bilans.definitions holds the written definitions):
- contracts whose consultation was launched in the year (from the date examinations started, on or before
  today): how many were examined (decision of the DCP) on or before their launch date;
- examinations decided in the year: how many had a social clause proposed by the facilitator, how many had a
  social consideration retained by the DCP, the reasons for not retaining one, the days from opening to
  decision."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class LigneMotif:
    motif: str
    libelle: str
    nombre: int


@dataclass(frozen=True)
class ChiffresExamens:
    annee: int = 0
    lances: int = 0
    lances_examines: int = 0
    part_examines: Decimal | None = None
    decides: int = 0
    suggeres: int = 0
    proposes: int = 0
    part_proposes: Decimal | None = None
    retenus: int = 0
    part_retenus: Decimal | None = None
    non_retenus: int = 0
    motifs: tuple[LigneMotif, ...] = ()
    delai_moyen_jours: Decimal | None = None
    delai_median_jours: Decimal | None = None
