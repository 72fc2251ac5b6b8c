"""Every list page and every export runs the same queries with 3 rows and with 30, and those queries are the ones
stored in `tests/snapshots/<name>.<vendor>.sql` (see tests/sql_snapshots.py; update with
`pytest tests/test_sql_snapshots.py --snapshot-update`, on SQLite and on PostgreSQL).

The world is the permission matrix's (tests/access.py: a user per role, an object of each kind for each buyer),
built once for the module in a transaction rolled back at its end. Each page is read once to warm the caches of
the process (content types, sites), then with the world plus 3 rows of every kind, then plus 30: same
normalised queries, in the same order, or a query runs per row (N+1) or a list is not bounded.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.access import build_world, load_access
from tests.sql_snapshots import assert_matches_snapshot, capture

# The marker also makes pytest-django create the test database, which the module's fixture needs.
pytestmark = pytest.mark.django_db

RULES, _ = load_access()
SMALL, LARGE = 3, 30


@dataclass(frozen=True)
class Page:
    name: str  # snapshot file name
    url_name: str
    role: str = "dcp"
    query: dict | None = None
    args: tuple = ()  # URL args; else the matrix row's kwargs


PAGES = [
    # core
    Page("core_home_dcp", "core:home"),
    Page("core_home_facilitateur", "core:home", role="facilitateur"),
    Page("core_organisations", "core:organisations", role="admin"),
    Page("core_users", "core:users", role="admin"),
    Page("core_taches", "core:taches"),
    # marches
    Page("marches_list", "marches:list"),
    Page("marches_list_filtered", "marches:list", query={"q": "Entreprise", "annee": "2025", "tri": "-montant_ht"}),
    Page("marches_list_partenaire", "marches:list", role="partenaire"),
    Page("marches_export_csv", "marches:export", query={"format": "csv"}),
    Page("marches_export_xlsx", "marches:export", query={"format": "xlsx"}),
    Page("marches_entreprises", "marches:entreprise_list"),
    Page("marches_seuils", "marches:seuils", role="admin"),
    Page("marches_decp_json", "marches:export_decp"),
    Page("marches_imports", "marches:imports"),
    # clauses
    Page("clauses_index", "clauses:index"),
    Page("clauses_familles", "clauses:familles"),
    Page("clauses_clausier", "clauses:clausier"),
    Page("clauses_diagnostics", "clauses:diagnostics"),
    Page("clauses_marche_clauses", "clauses:marche_clauses"),
    # facilitateurs
    Page("facilitateurs_home", "facilitateurs:home", role="facilitateur"),
    Page("facilitateurs_conventions", "facilitateurs:conventions", role="facilitateur"),
    Page("facilitateurs_participants", "facilitateurs:participants", role="facilitateur"),
    Page("facilitateurs_actions", "facilitateurs:actions", role="facilitateur"),
    Page("facilitateurs_suivi_marche", "facilitateurs:suivi_marche", role="facilitateur"),
    Page("facilitateurs_grille", "facilitateurs:grille", role="facilitateur", query={"mois": "2025-09"}),
    Page("facilitateurs_participant_export", "facilitateurs:participant_export", role="facilitateur"),
    Page("facilitateurs_imports", "facilitateurs:import_upload", role="facilitateur"),  # the import journal
    # examens
    Page("examens_list", "examens:list"),
    Page("examens_list_acheteur", "examens:list", role="acheteur"),
    # bilans
    Page("bilans_dashboard", "bilans:dashboard", query={"annee": "2025"}),
    Page("bilans_export", "bilans:export", query={"annee": "2025"}),
    Page("bilans_list", "bilans:bilans"),
    Page("bilans_list_partenaire", "bilans:bilans", role="partenaire"),
    # spaser
    Page("spaser_index", "spaser:index"),
    Page("spaser_evaluation", "spaser:evaluation", query={"annee": "2025"}),
    Page("spaser_evaluation_xlsx", "spaser:evaluation_xlsx", query={"annee": "2025"}),
    Page("spaser_programmation_list", "spaser:programmation_list"),
    Page("spaser_programmation_csv", "spaser:programmation_export", args=("csv",)),
    Page("spaser_programmation_xlsx", "spaser:programmation_export", args=("xlsx",)),
    Page("spaser_public_home", "spaser:public_home", role="anonyme"),
    Page("spaser_public_indicateurs", "spaser:public_indicateurs", role="anonyme"),
    Page("spaser_public_donnees", "spaser:public_donnees", role="anonyme"),
    Page("spaser_public_decp", "spaser:public_decp", role="anonyme"),
    Page("spaser_public_indicateurs_csv", "spaser:public_indicateurs_csv", role="anonyme"),
    Page("spaser_public_indicateurs_json", "spaser:public_indicateurs_json", role="anonyme"),
    Page("spaser_public_programmation", "spaser:public_programmation", role="anonyme"),
    Page("spaser_public_programmation_csv", "spaser:public_programmation_csv", role="anonyme"),
    Page("spaser_public_programmation_xlsx", "spaser:public_programmation_xlsx", role="anonyme"),
    Page("spaser_public_programmation_rss", "spaser:public_programmation_rss", role="anonyme"),
]


def _url(page: Page, world) -> str:
    rule = RULES[page.url_name]
    if page.args:
        return reverse(page.url_name, args=page.args)
    return reverse(page.url_name, kwargs=rule.kwargs(world) if rule.kwargs else None)


def peupler(world, n: int) -> None:
    """Add `n` rows of every kind the lists and exports show, for the instance and for partner A."""
    from bilans.models import Bilan
    from core.enums import Role
    from core.models import ImportJournal, Tache
    from facilitateurs.models import ActionSuivi, Eligibilite, MiseEnEmploi, Sortie
    from tests.clauses.factories import (
        ClauseMarcheFactory,
        ClauseModeleFactory,
        ClauseModeleVersionFactory,
        FamilleAchatFactory,
    )
    from tests.core.factories import OrganisationFactory, UserFactory
    from tests.examens.factories import ExamenFactory, MarchePreparationFactory
    from tests.facilitateurs.factories import (
        ConventionFactory,
        HeuresMensuellesFactory,
        IdentiteParticipantFactory,
    )
    from tests.marches.factories import AttributionFactory, EntrepriseFactory, LotFactory, MarcheFactory
    from tests.spaser.factories import CibleFactory, IndicateurFactory, ProgrammationFactory

    mois = datetime.date(2025, 9, 1)
    for i in range(n):
        famille = FamilleAchatFactory()
        modele = ClauseModeleFactory()
        ClauseModeleVersionFactory(modele=modele)
        modele.familles.add(famille)
        convention = ConventionFactory(partenaire=world.partenaire)
        for acheteur, direction in ((world.instance, world.direction), (world.partenaire, None)):
            marche = MarcheFactory(acheteur=acheteur, direction=direction, famille=famille, clause_sociale=True)
            entreprise = EntrepriseFactory()
            AttributionFactory(marche=marche, entreprise=entreprise)
            LotFactory(marche=marche)
            ClauseMarcheFactory(marche=marche, heures_requises=Decimal("200"))
            # More rows on the matrix's own contracts: the pages about one contract grow too.
            for shown in (world.marche, world.f_marche, world.cl_marche):
                if shown.acheteur_id == acheteur.pk:
                    ClauseMarcheFactory(marche=shown, heures_requises=Decimal("10"))
            convention.marches.add(marche)
            participant = IdentiteParticipantFactory().participant
            Eligibilite.objects.create(participant=participant, public="DELD", date_verification=mois,
                                       date_fin_validite=mois + datetime.timedelta(days=300))
            Sortie.objects.create(participant=participant, date_sortie=mois, categorie="EMPLOI_DURABLE")
            for suivi in (marche, world.f_marche):
                MiseEnEmploi.objects.create(participant=participant, entreprise=entreprise, marche=suivi,
                                            modalite="EMBAUCHE_DIRECTE", type_contrat="CDD", date_debut=mois)
                HeuresMensuellesFactory(marche=suivi, participant=participant, entreprise=entreprise, mois=mois)
            ActionSuivi.objects.create(marche=marche, quoi=f"Relance {i}", echeance=mois)
            # The matrix's participant (its export) gains hours on every new contract.
            HeuresMensuellesFactory(marche=marche, participant=world.f_participant, entreprise=entreprise,
                                    mois=mois)
            tache = Tache.objects.create(type="bilan_annuel", organisation=acheteur,
                                         demandee_par=world.users["dcp"])
            Bilan.objects.create(acheteur=acheteur, annee=2025, demande_par=world.users["dcp"], tache=tache,
                                 convention=convention if acheteur == world.partenaire else None)
            ProgrammationFactory(acheteur=acheteur)
            ExamenFactory(marche=MarchePreparationFactory(acheteur=acheteur, direction=direction, famille=famille))
            ProgrammationFactory(acheteur=acheteur, published=True)
        indicateur = IndicateurFactory(objectif=world.spaser_objectif, manuel=True)
        CibleFactory(indicateur=indicateur, annee=2025, valeur=Decimal("5"))
        OrganisationFactory(partenaire=True)
        UserFactory(role=Role.ACHETEUR, organisation=world.instance, direction=world.direction)
        ImportJournal.objects.create(format="decp", fichier=f"decp-{i}.json", user=world.users["dcp"])
        ImportJournal.objects.create(format="heures", fichier=f"heures-{i}.csv", user=world.users["facilitateur"])


def _clients(world):
    clients = {"anonyme": Client()}
    for role, user in world.users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def _read_all(clients, world, results, key):
    for page in PAGES:
        try:
            results[page.name][key] = capture(clients[page.role], _url(page, world), page.query)
        except Exception as exc:  # reported by the page's own test
            results[page.name].setdefault("error", f"{key}: {exc!r}")


@pytest.fixture(scope="module")
def captured(django_db_setup, django_db_blocker):
    """The queries of every page: warm, with 3 more rows of each kind, with 30 — in one rolled-back world."""
    results = {page.name: {} for page in PAGES}
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        clients = _clients(world)
        _read_all(clients, world, results, "warm")
        peupler(world, SMALL)
        _read_all(clients, world, results, "small")
        peupler(world, LARGE - SMALL)
        _read_all(clients, world, results, "large")
        transaction.set_rollback(True)
    return results


def test_pages_cover_every_list_and_export_of_the_urls():
    """A list or export URL (by its name) added without a snapshot fails here."""
    from tests.access import url_patterns

    # Snapshotted by their app's own tests, on data of their own (FSE+ operations).
    ailleurs = {"fse:export_xlsx"}  # tests/fse/test_views.py::test_lists_queries_do_not_grow_and_match_their_snapshots
    listed = {page.url_name for page in PAGES} | ailleurs
    words = ("list", "export", "csv", "xlsx", "json", "rss", "decp", "imports", "familles", "clausier",
             "conventions", "participants", "actions", "bilans", "organisations", "users", "taches", "seuils",
             "entreprise_list", "programmation", "indicateurs", "dashboard")
    ignored = {"marches:import_registre", "marches:import_decp", "marches:registre_modele",
               "facilitateurs:import_preview"}  # forms, not lists
    candidates = {
        name for name, pattern in url_patterns()
        if ":" in name and not name.startswith("admin:")  # Django's admin: its own lists
        and any(word in name.split(":")[1] for word in words)
        and not any(suffix in name for suffix in ("_create", "_update", "_delete", "_detail", "_archive"))
        and name not in ignored
    }
    missing = sorted(candidates - listed)
    assert not missing, f"List or export pages without an SQL snapshot (add them to PAGES): {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_queries_do_not_grow_and_match_the_snapshot(page, captured, snapshot_update):
    result = captured[page.name]
    assert "error" not in result, result["error"]
    small, large = result["small"], result["large"]
    assert len(large) == len(small), (
        f"{page.name}: {len(small)} queries with {SMALL} rows of each kind, {len(large)} with {LARGE}"
    )
    assert large == small, f"{page.name}: the queries depend on the number of rows"
    assert_matches_snapshot(page.name, small, update=snapshot_update)


def test_normalise_keeps_the_query_and_drops_its_values():
    from tests.sql_snapshots import normalise

    assert normalise(
        """SELECT "a"."id" FROM "a"  WHERE ("a"."x" = E'l''été' AND "a"."d" >= '2025-01-01'::date
           AND "a"."n" = -3.5 AND T3."id" IN (1, 2, 3) AND U0."y" IN ('a', 'b')) LIMIT 21"""
    ) == (
        '''SELECT "a"."id" FROM "a" WHERE ("a"."x" = ? AND "a"."d" >= ?::date AND "a"."n" = ? AND T3."id" IN (…) '''
        '''AND U0."y" IN (…)) LIMIT ?'''
    )
    assert normalise('SAVEPOINT "s140234_x12"') == 'SAVEPOINT "s_x"'
    assert normalise('DECLARE "_django_curs_1401_sync_7" NO SCROLL CURSOR FOR SELECT 1') == (
        'DECLARE "_django_curs" NO SCROLL CURSOR FOR SELECT ?'
    )
    one = 'UPDATE "m" SET "c" = CASE WHEN ("m"."id" = 1) THEN \'A\' ELSE NULL END WHERE "m"."id" IN (1)'
    two = ('UPDATE "m" SET "c" = CASE WHEN ("m"."id" = 1) THEN \'A\' WHEN ("m"."id" = 2) THEN \'B\' ELSE NULL END '
           'WHERE "m"."id" IN (1, 2)')
    assert normalise(one) == normalise(two)
    assert normalise('INSERT INTO "t" ("a", "b") VALUES (1, \'x\'), (2, \'y\')') == (
        normalise('INSERT INTO "t" ("a", "b") VALUES (3, \'z\')')
    )
    # Identifiers and table aliases keep their digits; a different column is a different query.
    assert normalise('SELECT T3."col2" FROM "t1" T3') == 'SELECT T3."col2" FROM "t1" T3'
    assert normalise('SELECT "a" FROM "t" WHERE "b" = 1') != normalise('SELECT "a" FROM "t" WHERE "c" = 1')
