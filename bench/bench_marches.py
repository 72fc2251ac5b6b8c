"""Contract register at scale (issue 3): list page time and query count with the scale's contracts (national:
100,000; departement: 10,000), DECP import rate.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/spaser_bench_marches .venv/bin/python bench/bench_marches.py

The 100,000 contracts (buyer "Acheteur bench") are built once with bulk_create and reused by later runs.
The DECP import runs inside a transaction that is rolled back, so reruns measure the same work."""

import datetime
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ensure_database, scale_volumes  # noqa: E402

N = int(os.environ.get("BENCH_MARCHES") or scale_volumes()[1])
N_DECP = int(os.environ.get("BENCH_MARCHES_DECP", "20000"))
BENCH_SIRET = "13000000000016"
DECP_SIRET = "13000000000024"
WORDS = ["Travaux", "de", "voirie", "rénovation", "collège", "nettoyage", "locaux", "entretien", "espaces", "verts",
         "fourniture", "denrées", "transport", "scolaire", "maintenance", "chauffage", "réfection", "toiture",
         "signalisation", "ouvrage", "d'art", "restauration", "informatique", "véhicules", "études"]
CPVS = ["45233140", "45321000", "90910000", "77310000", "15000000", "60130000", "72500000", "34136000", "71000000",
        "45261210"]



def siret(n: int, prefix="5") -> str:
    from core.utils import luhn_ok

    base = f"{prefix}{n:012d}"[:13]
    return next(base + str(d) for d in range(10) if luhn_ok(base + str(d)))


def build(n_target: int):
    from clauses.models import FamilleAchat
    from core.models import Direction, Organisation, User
    from marches.compliance import conformite_evaluer
    from marches.models import Attribution, Entreprise, Marche
    from marches.search import texte_recherche
    from marches.services import seuils_charger

    # The instance's own buyer (another bench may have made it in the same database), else a new one.
    acheteur = (Organisation.objects.filter(siret=BENCH_SIRET).first() or Organisation.objects.instance()
                or Organisation.objects.create(siret=BENCH_SIRET, nom="Acheteur bench", type="instance"))
    directions = [Direction.objects.get_or_create(organisation=acheteur, nom=f"Direction bench {i}",
                                                  defaults={"sigle": f"DB{i}"})[0] for i in range(8)]
    familles = [FamilleAchat.objects.get_or_create(nom=f"Famille bench {i}", defaults={"prefixes_cpv": [c[:3]]})[0]
                for i, c in enumerate(CPVS)]
    user = User.objects.filter(username="bench-dcp").first()
    if user is None:
        user = User(username="bench-dcp", role="dcp", organisation=acheteur)
        user.set_password("bench")
        user.save()
    existing = Marche.objects.filter(acheteur=acheteur).count()
    if existing >= n_target:
        return user, existing, 0.0
    start = time.perf_counter()
    entreprises = [Entreprise(siret=siret(i), nom=f"Entreprise bench {i} {random.Random(i).choice(WORDS)}",
                              code_postal=f"40{i % 1000:03d}") for i in range(5000)]
    Entreprise.objects.bulk_create(entreprises, batch_size=2000, ignore_conflicts=True)
    entreprise_rows = list(Entreprise.objects.filter(siret__in=[e.siret for e in entreprises])
                           .values_list("id", "nom", "siret"))
    seuils = seuils_charger()
    rng = random.Random(existing)
    batch = 5000
    for offset in range(existing, n_target, batch):
        marches = []
        for i in range(offset, min(offset + batch, n_target)):
            lancement = datetime.date(2022, 1, 1) + datetime.timedelta(days=rng.randint(0, 1780))
            cpv_index = rng.randrange(len(CPVS))
            marche = Marche(
                acheteur=acheteur, direction=directions[i % len(directions)], famille=familles[cpv_index],
                identifiant=f"B{i:08d}", objet=" ".join(rng.choice(WORDS) for _ in range(8)) + f" n° {i}",
                code_cpv=CPVS[cpv_index], procedure=rng.choice(["Procédure adaptée", "Appel d'offres ouvert"]),
                montant_ht=Decimal(rng.randint(20, 3000) * 1000), duree_mois=rng.randint(3, 48),
                date_lancement=lancement, date_notification=lancement + datetime.timedelta(days=rng.randint(30, 120)),
                lieu_code="40000", offres_recues=rng.randint(1, 8), clause_sociale=rng.random() < 0.3,
                clause_environnementale=rng.random() < 0.5, critere_environnemental=rng.random() < 0.4,
            )
            marche.montant_initial_ht, marche.duree_initiale_mois = marche.montant_ht, marche.duree_mois
            marche.statut_conformite, marche.manquements = conformite_evaluer(marche, seuils)
            marche.entreprise_bench = entreprise_rows[i % len(entreprise_rows)]
            marche.recherche = texte_recherche(objet=marche.objet, identifiant=marche.identifiant,
                                               entreprises=[marche.entreprise_bench[1:]])
            marches.append(marche)
        Marche.objects.bulk_create(marches, batch_size=batch)
        Attribution.objects.bulk_create(
            [Attribution(marche_id=m.pk, entreprise_id=m.entreprise_bench[0]) for m in marches],
            batch_size=batch)
        print(f"  … {min(offset + batch, n_target)} marchés", flush=True)
    return user, n_target, time.perf_counter() - start


def decp_file(n: int) -> bytes:
    rng = random.Random(7)
    marches = []
    for i in range(n):
        notification = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 700))
        marches.append({
            "id": f"D{i:08d}", "acheteur": {"id": DECP_SIRET}, "nature": "Marché",
            "objet": " ".join(rng.choice(WORDS) for _ in range(8)), "codeCPV": rng.choice(CPVS),
            "techniques": {"technique": ["Sans objet"]}, "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
            "marcheInnovant": False, "ccag": "Travaux", "offresRecues": rng.randint(1, 9),
            "attributionAvance": False, "typeGroupementOperateurs": "Pas de groupement",
            "sousTraitanceDeclaree": False, "procedure": "Appel d'offres ouvert",
            "lieuExecution": {"code": "40000", "typeCode": "Code postal"}, "dureeMois": rng.randint(1, 48),
            "dateNotification": notification.isoformat(), "datePublicationDonnees": notification.isoformat(),
            "montant": rng.randint(40, 5000) * 1000, "typesPrix": {"typePrix": ["Définitif ferme"]},
            "formePrix": "Forfaitaire",
            "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": siret(rng.randint(0, 3000), "6")}}],
            "considerationsSociales": {"considerationSociale": [rng.choice(["Clause sociale",
                                                                            "Pas de considération sociale"])]},
            "considerationsEnvironnementales": {"considerationEnvironnementale": ["Clause environnementale"]},
            "modifications": ([{"modification": {"id": 1, "dateNotificationModification": notification.isoformat(),
                                                 "datePublicationDonneesModification": notification.isoformat(),
                                                 "montant": 50000}}] if i % 10 == 0 else []),
        })
    return json.dumps({"marches": {"marche": marches}}, ensure_ascii=False).encode()


def main():
    ensure_database()
    from common import Figure, report, setup, timed

    setup()
    from django.conf import settings
    from django.db import connection, transaction

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from marches.models import Marche
    from marches.services import decp_importer

    user, total, build_s = build(N)
    if connection.vendor == "postgresql":  # what autovacuum does after a bulk load: statistics, visibility map
        with connection.cursor() as cursor:  # Django is in autocommit here: VACUUM is allowed
            for table in ("marches_marche", "marches_attribution", "marches_entreprise"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"Marchés du bench : {total} (construits en {build_s:.1f} s)" if build_s else f"Marchés réutilisés : {total}")
    client = Client()
    client.force_login(user)
    figures = []
    urls = {
        "liste non filtrée": "/marches/",
        "liste, page 100": "/marches/?page=100",
        "recherche plein texte « voirie »": "/marches/?q=voirie",
        "recherche d'un titulaire": "/marches/?q=Entreprise%20bench%204242",
        "filtre année + conformité": "/marches/?annee=2025&conformite=non_conforme",
        "filtre considération + tri montant": "/marches/?consideration=sociale&tri=-montant_ht",
    }
    for label, url in urls.items():
        client.get(url)  # warm up
        ms, response = timed(lambda url=url: client.get(url), repeat=5)
        assert response.status_code == 200, (url, response.status_code)
        figures.append(Figure(f"{label} ({total:_} marchés)".replace("_", " "), ms, "ms", "< 300", ms < 300))

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    big = count("/marches/")
    small = None
    with transaction.atomic():  # keep 100 contracts, measure, roll back (FKs are deferred: nothing checked)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM marches_marche WHERE id NOT IN "
                           "(SELECT id FROM marches_marche ORDER BY id LIMIT 100)")
        assert Marche.objects.count() == 100
        small = count("/marches/")
        transaction.set_rollback(True)
    figures.append(Figure("requêtes de la liste avec 100 marchés", small, "req"))
    figures.append(Figure(f"requêtes de la liste avec {total} marchés", big, "req", f"= {small}", big == small))

    data = decp_file(N_DECP)
    with transaction.atomic():
        start = time.perf_counter()
        result = decp_importer(data=data, fichier="bench.json")
        elapsed = time.perf_counter() - start
        assert not result["refuse"] and result["nb_crees"] == N_DECP, result["texte_erreurs"][:5]
        rate = N_DECP / elapsed
        start = time.perf_counter()
        again = decp_importer(data=data, fichier="bench.json")
        elapsed_again = time.perf_counter() - start
        assert again["nb_inchanges"] == N_DECP
        transaction.set_rollback(True)
    figures.append(Figure(f"import DECP ({N_DECP} contrats, {len(data) // 1024} Kio)", rate, "c/s", ">= 2000",
                          rate >= 2000))
    figures.append(Figure("réimport du même fichier (inchangé)", N_DECP / elapsed_again, "c/s"))
    report("marches", figures)


if __name__ == "__main__":
    main()
