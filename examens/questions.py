"""The environmental and ESS questions an examination asks about the purchase, by purchase family.

Every family gets the general questions of each axis; a family where EA-ESAT, SIAE or ESS structures work
(`FamilleAchat.reservation_conseillee`) gets the question of a reservation. A pure function: the answers are
stored on the examination (`Examen.questions`), keyed by the question's code."""

from dataclasses import dataclass

from clauses.enums import AxeDiagnostic


@dataclass(frozen=True)
class Question:
    code: str
    axe: str
    texte: str

    @property
    def axe_libelle(self) -> str:
        return AxeDiagnostic(self.axe).label


GENERALES = (
    Question("env_condition", AxeDiagnostic.ENVIRONNEMENTAL,
             "Une condition d'exécution environnementale est-elle prévue (déchets, emballages, transport, "
             "consommations) ?"),
    Question("env_critere", AxeDiagnostic.ENVIRONNEMENTAL,
             "Un critère d'attribution porte-t-il sur les caractéristiques environnementales de l'offre ?"),
    Question("env_cycle_vie", AxeDiagnostic.ENVIRONNEMENTAL,
             "Le besoin peut-il être couvert par du réemploi, de la location ou des produits à moindre impact ?"),
    Question("ess_allotissement", AxeDiagnostic.ESS,
             "L'allotissement permet-il à des structures de l'ESS ou à des PME locales de répondre ?"),
    Question("ess_sourcing", AxeDiagnostic.ESS,
             "Des structures de l'ESS ou des SIAE du territoire ont-elles été consultées (sourçage) ?"),
)
RESERVATION = Question("ess_reservation", AxeDiagnostic.ESS,
                       "Une réservation (EA-ESAT, SIAE ou ESS) est-elle envisageable pour tout ou partie du besoin ?")


def questions_pour(famille) -> tuple[Question, ...]:
    """The questions of a purchase family (None: the general ones)."""
    if famille is not None and getattr(famille, "reservation_conseillee", ""):
        return (*GENERALES, RESERVATION)
    return GENERALES
