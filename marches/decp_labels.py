"""Our considerations mapped to the DECP labels (export) and back (import)."""

CLAUSE_SOCIALE = "Clause sociale"
CRITERE_SOCIAL = "Critère social"
MARCHE_RESERVE = "Marché réservé"
PAS_SOCIALE = "Pas de considération sociale"
CLAUSE_ENV = "Clause environnementale"
CRITERE_ENV = "Critère environnemental"
PAS_ENV = "Pas de considération environnementale"
SOCIALES = (CLAUSE_SOCIALE, CRITERE_SOCIAL, MARCHE_RESERVE, PAS_SOCIALE)
ENVIRONNEMENTALES = (CLAUSE_ENV, CRITERE_ENV, PAS_ENV)


def considerations_sociales(marche) -> list[str]:
    values = [label for flag, label in ((marche.clause_sociale, CLAUSE_SOCIALE), (marche.critere_social, CRITERE_SOCIAL),
                                        (marche.marche_reserve, MARCHE_RESERVE)) if flag]
    return values or [PAS_SOCIALE]


def considerations_environnementales(marche) -> list[str]:
    values = [label for flag, label in ((marche.clause_environnementale, CLAUSE_ENV),
                                        (marche.critere_environnemental, CRITERE_ENV)) if flag]
    return values or [PAS_ENV]
