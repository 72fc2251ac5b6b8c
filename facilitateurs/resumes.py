"""Summaries of the hour rows, kept by the database itself (facilitateurs.models.Resume*).

Why triggers: every path that writes hour rows — the services, the grid, the imports' bulk_create, the companies'
declarations, deletions, SQL by hand, the benchmark's INSERT … SELECT — goes through the database, so the
summaries can never miss a write, and no service has a second rule to remember (one owner: this module).
PostgreSQL runs one trigger per statement over the rows it changed (transition tables: a bulk insert of two
million rows is one grouped upsert); SQLite, the embedded default, one per row. A contract that changes buyer
moves its people and companies from one buyer's summaries to the other's (trigger on marches_marche).

`reconstruire()` rebuilds them from the rows (migration, `manage.py resumes_heures --reconstruire`) and
`ecarts()` lists where they differ from the rows (`manage.py resumes_heures`, tests). The triggers are created by
migration facilitateurs 0006 from this module: a database keeps the statements it was given, so a change of the
statements here needs a new migration that runs `installer()` again."""

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


def _centiemes(expression: str) -> str:
    return f"CAST(ROUND(({expression}) * 100) AS bigint)"


SOMMES = {  # column -> what one row adds, in hundredths (integers: exact and fast to add, SQLite included)
    "heures": _centiemes(f"CASE WHEN t.modalite = {_FORMATION} OR {_EN_EUROS} THEN 0 ELSE t.heures END"),
    "euros": _centiemes(f"CASE WHEN {_EN_EUROS} THEN t.montant_ht ELSE 0 END"),
    "formation": _centiemes(f"CASE WHEN t.modalite = {_FORMATION} THEN t.heures ELSE 0 END"),
}
COLONNES = ("marche_id", "mois", "modalite", "heures", "montant_ht", "participant_id", "entreprise_id")


def _annee(vendor: str, colonne: str) -> str:
    if vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {colonne}) AS integer)"
    return f"CAST(strftime('%Y', {colonne}) AS integer)"


_CLES = {R_MARCHE: ("acheteur_id", "marche_id", "annee"), R_PARTICIPANT: ("acheteur_id", "annee", "participant_id"),
         R_ENTREPRISE: ("acheteur_id", "annee", "entreprise_id")}


def _lignes(signe: int, source: str, acheteur: str | None = None, condition: str = "") -> str:
    """SELECT of the rows of `source` (a table, a transition table or a one-row subquery) with their sign (+1 added,
    -1 taken off) and their buyer: `acheteur` (an SQL expression), else their contract's."""
    colonnes = ", ".join(f"t.{c}" for c in COLONNES)
    if acheteur:
        return f"SELECT {signe} AS signe, {acheteur} AS acheteur_id, {colonnes} FROM {source} t {condition}"
    return (f"SELECT {signe} AS signe, m.acheteur_id AS acheteur_id, {colonnes} FROM {source} t "
            f"JOIN {MARCHES} m ON m.id = t.marche_id {condition}")


def _groupes(vendor: str, lignes: list[str], table: str) -> str:
    """SELECT of the changes of `table` for these signed rows: per key, the rows and sums added minus those taken
    off; keys whose change is nothing are left out (a re-import that changes no person moves no presence)."""
    cles = {"acheteur_id": "t.acheteur_id", "marche_id": "t.marche_id", "annee": _annee(vendor, "t.mois"),
            "participant_id": "t.participant_id", "entreprise_id": "t.entreprise_id"}
    valeurs = {"lignes": "SUM(t.signe)"}
    if table == R_MARCHE:
        valeurs |= {nom: f"SUM(t.signe * {expr})" for nom, expr in SOMMES.items()}
    colonnes = [f"{cles[nom]} AS {nom}" for nom in _CLES[table]] + [f"{v} AS {nom}" for nom, v in valeurs.items()]
    non_nulles = " AND ".join(f"{cles[nom]} IS NOT NULL" for nom in _CLES[table])
    numeros = ", ".join(str(i + 1) for i in range(len(_CLES[table])))
    return (f"SELECT {', '.join(colonnes)} FROM ({' UNION ALL '.join(lignes)}) t WHERE {COMPTEE} AND {non_nulles} "
            f"GROUP BY {numeros} HAVING {' OR '.join(f'{v} <> 0' for v in valeurs.values())}")


def _appliquer(vendor: str, lignes: list[str], *, retrait: bool = True) -> list[str]:
    """Statements applying signed rows (_lignes) to every summary: one upsert per summary, in one order of the keys
    (two writers never deadlock), then, when rows are taken off, the summary rows left without any hour row
    deleted (a partial index on lignes <= 0 finds them without reading the others)."""
    requetes = []
    for table, cles in _CLES.items():
        valeurs = ["lignes", *(SOMMES if table == R_MARCHE else ())]
        numeros = ", ".join(str(i + 1) for i in range(len(cles)))
        requetes.append(
            f"INSERT INTO {table} ({', '.join([*cles, *valeurs])}) {_groupes(vendor, lignes, table)} "
            f"ORDER BY {numeros} ON CONFLICT ({', '.join(cles)}) DO UPDATE SET "
            + ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in valeurs))
        if retrait:
            requetes.append(f"DELETE FROM {table} WHERE lignes <= 0")
    return requetes


def _ligne(prefixe: str) -> str:
    """SQLite: the row NEW or OLD as a one-row subquery, so that the same statements serve both databases."""
    return "(SELECT " + ", ".join(f"{prefixe}.{c} AS {c}" for c in COLONNES) + ")"


def _declencheurs(vendor: str) -> list[str]:
    """CREATE statements of the triggers."""
    # A contract changed buyer: its rows leave the old buyer's summaries for the new's.
    acheteur_change = _appliquer(vendor, [
        _lignes(-1, HEURES, "OLD.acheteur_id", "WHERE t.marche_id = NEW.id"),
        _lignes(1, HEURES, "NEW.acheteur_id", "WHERE t.marche_id = NEW.id")])
    if vendor == "postgresql":
        def fonction(nom, corps):
            return (f"CREATE OR REPLACE FUNCTION {nom}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "; ".join(corps) + "; RETURN NULL; END $$")

        return [
            fonction("resume_heures_ajout", _appliquer(vendor, [_lignes(1, "nouvelles")], retrait=False)),
            fonction("resume_heures_retrait", _appliquer(vendor, [_lignes(-1, "anciennes")])),
            fonction("resume_heures_modification",
                     _appliquer(vendor, [_lignes(-1, "anciennes"), _lignes(1, "nouvelles")])),
            f"CREATE TRIGGER resume_heures_ai AFTER INSERT ON {HEURES} REFERENCING NEW TABLE AS nouvelles "
            "FOR EACH STATEMENT EXECUTE FUNCTION resume_heures_ajout()",
            f"CREATE TRIGGER resume_heures_ad AFTER DELETE ON {HEURES} REFERENCING OLD TABLE AS anciennes "
            "FOR EACH STATEMENT EXECUTE FUNCTION resume_heures_retrait()",
            f"CREATE TRIGGER resume_heures_au AFTER UPDATE ON {HEURES} REFERENCING OLD TABLE AS anciennes "
            "NEW TABLE AS nouvelles FOR EACH STATEMENT EXECUTE FUNCTION resume_heures_modification()",
            fonction("resume_marche_acheteur", acheteur_change),
            f"CREATE TRIGGER resume_marche_acheteur AFTER UPDATE OF acheteur_id ON {MARCHES} FOR EACH ROW "
            "WHEN (OLD.acheteur_id IS DISTINCT FROM NEW.acheteur_id) EXECUTE FUNCTION resume_marche_acheteur()",
        ]

    def declencheur(nom, quand, corps, condition=""):
        return (f"CREATE TRIGGER {nom} AFTER {quand} FOR EACH ROW {condition} BEGIN "
                + "; ".join(corps) + "; END")

    return [
        declencheur("resume_heures_ai", f"INSERT ON {HEURES}",
                    _appliquer(vendor, [_lignes(1, _ligne("NEW"))], retrait=False)),
        declencheur("resume_heures_ad", f"DELETE ON {HEURES}", _appliquer(vendor, [_lignes(-1, _ligne("OLD"))])),
        declencheur("resume_heures_au", f"UPDATE ON {HEURES}",
                    _appliquer(vendor, [_lignes(-1, _ligne("OLD")), _lignes(1, _ligne("NEW"))])),
        declencheur("resume_marche_acheteur", f"UPDATE OF acheteur_id ON {MARCHES}", acheteur_change,
                    "WHEN OLD.acheteur_id IS NOT NEW.acheteur_id"),
    ]


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
                  + _appliquer(connexion.vendor, [_lignes(1, HEURES)], retrait=False))
    if connexion.vendor == "postgresql":
        _executer(connexion, [f"ANALYZE {table}" for table in _CLES])  # the engine's plans need their sizes


def ecarts(connexion=None) -> dict[str, int]:
    """{summary table: how many of its rows differ from the hour rows (missing, extra or other values)}."""
    connexion = connexion or connexion_par_defaut
    result = {}
    with connexion.cursor() as cursor:
        for table, cles in _CLES.items():
            liste = ", ".join([*cles, "lignes", *(SOMMES if table == R_MARCHE else ())])
            attendu = f"SELECT {liste} FROM ({_groupes(connexion.vendor, [_lignes(1, HEURES)], table)}) a"
            tenu = f"SELECT {liste} FROM {table}"
            result[table] = 0
            for gauche, droite in ((attendu, tenu), (tenu, attendu)):
                cursor.execute(f"SELECT COUNT(*) FROM ({gauche} EXCEPT {droite}) d")
                result[table] += cursor.fetchone()[0]
    return result
