"""The demo at the customer's own scale (issue 14). The Département des Landes' bilan: "in 2018, 24 contracts
carried the clause, 17,440 insertion hours were worked; over six years, over 85,000 hours, over 130 companies
(85 % based in the département) and over 460 people". `seed_demo` builds six years of hours (2020–2025), so
that the demo's bilan of last year (2025) shows figures of that magnitude, read here through the same
computation as the users' (`generer_bilan --format json`, bilans.selectors.indicateurs_annuels).

The whole demo is seeded once (about 30 s of CPU on PostgreSQL or SQLite): marked `demo_complete` so that a
developer can leave it out (`-m "not demo_complete"`); .ci/run runs it with the rest of the suite."""

import datetime
import io
import json
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from clauses.enums import TypeClause
from clauses.models import ClauseMarche, ClauseModele, Diagnostic, FamilleAchat
from core.enums import Role, TypeOrganisation
from core.models import Direction, Organisation, User
from demo.insertion import AGES, AGES_AUTRES
from facilitateurs.enums import Public
from facilitateurs.models import Convention, Eligibilite, HeuresMensuelles, MiseEnEmploi, Participant, Sortie
from facilitateurs.services import heures_max_par_mois
from marches.models import Entreprise, Marche
from spaser.models import Indicateur, Programmation, Spaser

pytestmark = [pytest.mark.django_db, pytest.mark.demo_complete]

ANNEE = 2025
# What the demo's clause contracts are: works (bâtiment, travaux publics), cleaning, upkeep and maintenance.
FAMILLES_CLAUSE = {"Bâtiment — gros œuvre", "Bâtiment — second œuvre", "Travaux publics et voirie", "Nettoyage",
                   "Espaces verts", "Maintenance des bâtiments et équipements"}


def _bilan(annee):
    out = io.StringIO()
    call_command("generer_bilan", annee=annee, format="json", stdout=out)
    return json.loads(out.getvalue())


def _counts():
    models = [Organisation, Direction, User, FamilleAchat, ClauseModele, Diagnostic, Entreprise, Marche,
              ClauseMarche, Convention, Participant, HeuresMensuelles, Sortie, Spaser, Indicateur, Programmation]
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_builds_the_demo_at_the_customers_scale():
    """One test, one seed (~30 s of CPU): tests of one module may run on different xdist workers, each of which
    would seed again."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    _accounts_and_every_domain_once(out.getvalue())
    _the_bilan_of_last_year_shows_the_customers_figures()
    _the_demo_people_hours_and_contracts_are_believable()


def _accounts_and_every_domain_once(out):
    for step in ("Organisations :", "Familles d'achat :", "Marchés :", "Clauses sur les marchés :",
                 "Facilitateurs :", "Bilans :", "SPASER :", "Données de démonstration prêtes."):
        assert step in out, step

    roles = {"acheteur": Role.ACHETEUR, "dcp": Role.DCP, "facilitateur": Role.FACILITATEUR, "elu": Role.ELU,
             "partenaire": Role.PARTENAIRE, "admin": Role.ADMIN}
    for username, role in roles.items():
        user = User.objects.get(username=username)
        assert user.role == role and user.check_password("demo"), username
    assert User.objects.get(username="partenaire").organisation.siret == "27400012300019"

    counts = _counts()
    assert not [name for name, count in counts.items() if count == 0], counts
    assert counts["Organisation"] == 4 and counts["Convention"] == 3 and counts["Spaser"] == 1
    assert Marche.objects.values("acheteur").distinct().count() == 4
    assert ClauseMarche.objects.filter(type_clause="insertion").exists()
    assert HeuresMensuelles.objects.filter(participant__isnull=False).count() > 1000

    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    assert _counts() == counts




def _the_bilan_of_last_year_shows_the_customers_figures():
    bilan = _bilan(ANNEE)
    assert bilan["acheteur_nom"] == "Département des Landes" and bilan["acheteur_departement"] == "40"
    cumul = bilan["cumul"]
    assert cumul["depuis"] == ANNEE - 5  # six years of hours: 2020–2025
    assert cumul["heures_realisees"] >= 85_000
    assert cumul["participants"] >= 460
    assert cumul["entreprises"] >= 130
    assert 0.80 <= cumul["entreprises_locales_part"] <= 0.90
    assert cumul["entreprises_locales"] == round(cumul["entreprises"] * cumul["entreprises_locales_part"])
    assert bilan["marches_clause_insertion"]["nombre"] >= 24
    # The year itself: of the magnitude of the customer's 17,440 hours, every year of the six has hours.
    assert 12_000 <= bilan["heures_realisees"] <= 30_000
    assert all(_bilan(annee)["heures_realisees"] >= 8_000 for annee in range(ANNEE - 5, ANNEE))


def _the_demo_people_hours_and_contracts_are_believable():
    # Ages agree with the eligibility criteria at entry (the first placement).
    entrees = {}
    for participant_id, debut in MiseEnEmploi.objects.values_list("participant_id", "date_debut"):
        entrees[participant_id] = min(debut, entrees.get(participant_id, debut))
    naissances = dict(Participant.objects.values_list("pk", "annee_naissance"))
    publics = {}
    for participant_id, public in Eligibilite.objects.values_list("participant_id", "public"):
        publics.setdefault(participant_id, set()).add(public)
    assert len(entrees) == len(naissances) >= 460  # everyone in the demo has worked
    for participant_id, entree in entrees.items():
        ecart = entree.year - naissances[participant_id]  # age at entry is ecart or ecart - 1
        criteres = publics[participant_id]
        if criteres & {Public.JEUNE_26, Public.EPIDE_E2C}:
            assert 19 <= ecart <= 25, (participant_id, criteres, ecart)  # 18 to 25 at entry: under 26
        elif Public.SENIOR_50 in criteres:
            assert ecart >= 51, (participant_id, criteres, ecart)  # 50 or more at entry
        else:
            assert AGES_AUTRES[0] <= ecart <= AGES_AUTRES[1], (participant_id, criteres, ecart)
    assert set(AGES) == {Public.JEUNE_26, Public.EPIDE_E2C, Public.SENIOR_50}
    tous = Counter(p for criteres in publics.values() for p in criteres)
    assert tous[Public.JEUNE_26] >= 50 and tous[Public.SENIOR_50] >= 20

    # Monthly hours: never above the legal maximum for a person (all contracts together), mostly 35 to 151.67 h.
    par_mois = Counter()
    for participant_id, mois, heures in HeuresMensuelles.objects.filter(participant__isnull=False).values_list(
            "participant_id", "mois", "heures"):
        par_mois[(participant_id, mois)] += heures
    assert max(par_mois.values()) <= heures_max_par_mois()
    courants = sum(1 for h in par_mois.values() if Decimal("35") * Decimal("0.9") <= h <= Decimal("151.67"))
    assert courants >= 0.8 * len(par_mois)
    assert not HeuresMensuelles.objects.filter(mois__lt=datetime.date(ANNEE - 5, 1, 1)).exists()

    # The contracts of the year with the clause: works, cleaning and maintenance.
    familles = Counter(ClauseMarche.objects.filter(
        type_clause=TypeClause.INSERTION, marche__acheteur__type=TypeOrganisation.INSTANCE,
        marche__date_notification__year=ANNEE).values_list("marche__famille__nom", flat=True))
    assert sum(n for nom, n in familles.items() if nom in FAMILLES_CLAUSE) >= 0.8 * sum(familles.values())
    assert {"Travaux publics et voirie", "Nettoyage"} <= set(familles)

    # The partners under convention: a social landlord, an agglomeration and a town.
    partenaires = set(Convention.objects.values_list("partenaire__nom", flat=True))
    assert len(partenaires) == 3
    assert any("Habitat" in nom for nom in partenaires) and any("Agglomération" in nom for nom in partenaires)
    assert any(nom.startswith("Ville de") for nom in partenaires)
    assert set(Organisation.objects.filter(nom__in=partenaires).values_list("type", flat=True)) == {
        TypeOrganisation.PARTENAIRE}
