"""Summaries of the hour rows, kept by the database itself (facilitateurs.models.Resume*).

Why triggers: every path that writes hour rows — the services, the grid, the imports' bulk_create, the companies'
declarations, deletions, SQL by hand, the benchmark's INSERT … SELECT — goes through the database, so the
summaries can never miss a write, and no service has a second rule to remember (one owner: this module).
PostgreSQL runs one trigger per statement over the rows it changed (transition tables: a bulk insert of two
million rows is one grouped upsert); SQLite, the embedded default, one per row. A contract that changes buyer
moves its people and companies from one buyer's summaries to the other's (trigger on marches_marche).

`reconstruire()` rebuilds them from the rows (migration, `manage.py resumes_heures --reconstruire`) and
`ecarts()` lists where they differ from the rows (`manage.py resumes_heures`, tests)."""

from django.db import connection as connexion_par_defaut
from django.db import transaction

from .enums import Modalite
from .selectors import MODALITES_EN_EUROS

HEURES = "facilitateurs_heuresmensuelles"
MARCHES = "marches_marche"
R_MARCHE = "facilitateurs_resumeheuresmarche"
R_PARTICIPANT = "facilitateurs_resumeparticipantannee"
R_ENTREPRISE = "facilitateurs_resumeentrepriseannee"

_EUROS = "(" + ", ".join(f"'{m.value}'" for m in MODALITES_EN_EUROS) + ")"
_FORMATION = f"'{Modalite.FORMATION.value}'"
# A row counts when its hours or its amount is positive (bilans.selectors.Perimetre.heures).
COMPTEE = "(t.heures > 0 OR t.montant_ht > 0)"
_EN_EUROS = f"(t.modalite IN {_EUROS} AND t.montant_ht IS NOT NULL)"
SOMMES = {  # column -> what one row adds, in hundredths (integers: exact and fast to add, SQLite included)
    "heures": f"CASE WHEN t.modalite = {_FORMATION} OR {_EN_EUROS} THEN 0 ELSE t.heures END",
    "euros": f"CASE WHEN {_EN_EUROS} THEN t.montant_ht ELSE 0 END",
    "formation": f"CASE WHEN t.modalite = {_FORMATION} THEN t.heures ELSE 0 END",
}
SOMMES = {nom: f"CAST(ROUND(({expr}) * 100) AS bigint)" for nom, expr in SOMMES.items()}
COLONNES = ("marche_id", "mois", "modalite", "heures", "montant_ht", "participant_id", "entreprise_id")


def _annee(vendor: str, colonne: str) -> str:
    if vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {colonne}) AS integer)"
    return f"CAST(strftime('%Y', {colonne}) AS integer)"


_CLES = {R_MARCHE: ("acheteur_id", "marche_id", "annee"), R_PARTICIPANT: ("acheteur_id", "annee", "participant_id"),
         R_ENTREPRISE: ("acheteur_id", "annee", "entreprise_id")}


def _cibles(vendor: str, acheteur: str | None, tables) -> list[tuple[str, str, tuple[str, ...], dict]]:
    """(table, join, key expressions, sums) of each summary in `tables`; `acheteur`: the buyer of the rows as an
    SQL expression (None: the buyer of their contract, joined)."""
    annee = _annee(vendor, "t.mois")
    jointure = "" if acheteur else f" JOIN {MARCHES} m ON m.id = t.marche_id"
    acheteur = acheteur or "m.acheteur_id"
    cibles = {
        R_MARCHE: (jointure, (acheteur, "t.marche_id", annee), {nom: f"SUM({expr})" for nom, expr in SOMMES.items()}),
        R_PARTICIPANT: (jointure, (acheteur, annee, "t.participant_id"), {}),
        R_ENTREPRISE: (jointure, (acheteur, annee, "t.entreprise_id"), {}),
    }
    return [(table, *cibles[table]) for table in tables]


def _groupes(source: str, table: str, jointure: str, cles: tuple[str, ...], sommes: dict, ordre=True) -> str:
    """SELECT of the summary rows of `table` over the counted rows of `source` (aliased t)."""
    colonnes = [f"{expr} AS {nom}" for expr, nom in zip(cles, _CLES[table], strict=True)] + ["COUNT(*) AS lignes"] + [
        f"{expr} AS {nom}" for nom, expr in sommes.items()]
    non_nulles = " AND ".join(f"{expr} IS NOT NULL" for expr in cles)
    numeros = ", ".join(str(i + 1) for i in range(len(cles)))
    return (f"SELECT {', '.join(colonnes)} FROM {source} t{jointure} WHERE {COMPTEE} AND {non_nulles} "
            f"GROUP BY {numeros}" + (f" ORDER BY {numeros}" if ordre else ""))  # one order: no two writers deadlock


def _ajouter(vendor: str, source: str, acheteur: str | None = None, tables=tuple(_CLES)) -> list[str]:
    """Statements adding the counted rows of `source` (a table or subquery, aliased t) to the summaries."""
    requetes = []
    for table, *cible in _cibles(vendor, acheteur, tables):
        valeurs = ["lignes", *cible[2]]
        mises_a_jour = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in valeurs)
        requetes.append(f"INSERT INTO {table} ({', '.join([*_CLES[table], *valeurs])}) "
                        f"{_groupes(source, table, *cible)} "
                        f"ON CONFLICT ({', '.join(_CLES[table])}) DO UPDATE SET {mises_a_jour}")
    return requetes


def _retirer(vendor: str, source: str, acheteur: str | None = None, tables=tuple(_CLES)) -> list[str]:
    """Statements taking the counted rows of `source` out of the summaries (a summary row left with no hour row
    is deleted: partial index on lignes <= 0, no other row read)."""
    requetes = []
    for table, *cible in _cibles(vendor, acheteur, tables):
        valeurs = ["lignes", *cible[2]]
        requetes.append(
            f"UPDATE {table} SET {', '.join(f'{v} = {table}.{v} - k.{v}' for v in valeurs)} "
            f"FROM ({_groupes(source, table, *cible)}) k "
            f"WHERE {' AND '.join(f'{table}.{n} = k.{n}' for n in _CLES[table])}")
        requetes.append(f"DELETE FROM {table} WHERE lignes <= 0")
    return requetes


def _ligne(prefixe: str) -> str:
    """SQLite: the row NEW or OLD as a one-row subquery, so that the same statements serve both databases."""
    return "(SELECT " + ", ".join(f"{prefixe}.{c} AS {c}" for c in COLONNES) + ")"


def _declencheurs(vendor: str) -> list[str]:
    """CREATE statements of the triggers."""
    if vendor == "postgresql":
        def fonction(nom, corps):
            return (f"CREATE OR REPLACE FUNCTION {nom}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "; ".join(corps) + "; RETURN NULL; END $$")

        return [
            fonction("resume_heures_ajout", _ajouter(vendor, "nouvelles")),
            fonction("resume_heures_retrait", _retirer(vendor, "anciennes")),
            fonction("resume_heures_modification", _retirer(vendor, "anciennes") + _ajouter(vendor, "nouvelles")),
            f"CREATE TRIGGER resume_heures_ai AFTER INSERT ON {HEURES} REFERENCING NEW TABLE AS nouvelles "
            "FOR EACH STATEMENT EXECUTE FUNCTION resume_heures_ajout()",
            f"CREATE TRIGGER resume_heures_ad AFTER DELETE ON {HEURES} REFERENCING OLD TABLE AS anciennes "
            "FOR EACH STATEMENT EXECUTE FUNCTION resume_heures_retrait()",
            f"CREATE TRIGGER resume_heures_au AFTER UPDATE ON {HEURES} REFERENCING OLD TABLE AS anciennes "
            "NEW TABLE AS nouvelles FOR EACH STATEMENT EXECUTE FUNCTION resume_heures_modification()",
            fonction("resume_marche_acheteur", _changement_acheteur(vendor)),
            f"CREATE TRIGGER resume_marche_acheteur AFTER UPDATE OF acheteur_id ON {MARCHES} FOR EACH ROW "
            "WHEN (OLD.acheteur_id IS DISTINCT FROM NEW.acheteur_id) EXECUTE FUNCTION resume_marche_acheteur()",
        ]

    def declencheur(nom, quand, corps, condition=""):
        return (f"CREATE TRIGGER {nom} AFTER {quand} FOR EACH ROW {condition} BEGIN "
                + "; ".join(corps) + "; END")

    return [
        declencheur("resume_heures_ai", f"INSERT ON {HEURES}", _ajouter(vendor, _ligne("NEW"))),
        declencheur("resume_heures_ad", f"DELETE ON {HEURES}", _retirer(vendor, _ligne("OLD"))),
        declencheur("resume_heures_au", f"UPDATE ON {HEURES}",
                    _retirer(vendor, _ligne("OLD")) + _ajouter(vendor, _ligne("NEW"))),
        declencheur("resume_marche_acheteur", f"UPDATE OF acheteur_id ON {MARCHES}", _changement_acheteur(vendor),
                    "WHEN OLD.acheteur_id IS NOT NEW.acheteur_id"),
    ]


def _changement_acheteur(vendor: str) -> list[str]:
    """A contract changed buyer: its rows leave the old buyer's summaries for the new's."""
    source = f"(SELECT * FROM {HEURES} WHERE marche_id = NEW.id)"
    return _retirer(vendor, source, "OLD.acheteur_id") + _ajouter(vendor, source, "NEW.acheteur_id")


SUPPRESSIONS = {
    "postgresql": [f"DROP TRIGGER IF EXISTS resume_heures_ai ON {HEURES}",
                   f"DROP TRIGGER IF EXISTS resume_heures_ad ON {HEURES}",
                   f"DROP TRIGGER IF EXISTS resume_heures_au ON {HEURES}",
                   f"DROP TRIGGER IF EXISTS resume_marche_acheteur ON {MARCHES}",
                   "DROP FUNCTION IF EXISTS resume_heures_ajout()", "DROP FUNCTION IF EXISTS resume_heures_retrait()",
                   "DROP FUNCTION IF EXISTS resume_heures_modification()",
                   "DROP FUNCTION IF EXISTS resume_marche_acheteur()"],
    "sqlite": [f"DROP TRIGGER IF EXISTS {nom}" for nom in
               ("resume_heures_ai", "resume_heures_ad", "resume_heures_au", "resume_marche_acheteur")],
}


def _executer(connexion, requetes: list[str]) -> None:
    with connexion.cursor() as cursor:
        for requete in requetes:
            cursor.execute(requete)  # no parameters: the % of strftime is SQL, not a placeholder


def installer(connexion=None) -> None:
    """(Re)create the triggers, then rebuild the summaries from the rows (the migration)."""
    connexion = connexion or connexion_par_defaut
    _executer(connexion, SUPPRESSIONS[connexion.vendor] + _declencheurs(connexion.vendor))
    reconstruire(connexion)


def desinstaller(connexion=None) -> None:
    connexion = connexion or connexion_par_defaut
    _executer(connexion, SUPPRESSIONS[connexion.vendor])


def reconstruire(connexion=None) -> None:
    """Empty the summaries and sum every hour row again (one transaction)."""
    connexion = connexion or connexion_par_defaut
    with transaction.atomic(using=connexion.alias):
        _executer(connexion, [f"DELETE FROM {table}" for table in _CLES]
                  + _ajouter(connexion.vendor, HEURES))
    if connexion.vendor == "postgresql":
        _executer(connexion, [f"ANALYZE {table}" for table in _CLES])  # the engine's plans need their sizes


def ecarts(connexion=None) -> dict[str, int]:
    """{summary table: how many of its rows differ from the hour rows (missing, extra or other values; sums
    in hundredths, exact on both databases)}."""
    connexion = connexion or connexion_par_defaut
    result = {}
    with connexion.cursor() as cursor:
        for table, *cible in _cibles(connexion.vendor, None, _CLES):
            liste = ", ".join([*_CLES[table], "lignes", *cible[2]])
            attendu = f"SELECT {liste} FROM ({_groupes(HEURES, table, *cible, ordre=False)}) a"
            tenu = f"SELECT {liste} FROM {table}"
            result[table] = 0
            for gauche, droite in ((attendu, tenu), (tenu, attendu)):
                cursor.execute(f"SELECT COUNT(*) FROM ({gauche} EXCEPT {droite}) d")
                result[table] += cursor.fetchone()[0]
    return result
