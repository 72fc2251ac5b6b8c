"""Bilans benchmark: 100,000 contracts and 2,000,000 monthly hour rows on PostgreSQL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/spaser_bench_bilans .venv/bin/python bench/bench_bilans.py
    (--scale departement: 10,000 contracts and 200,000 rows; default --scale national)

Data are built by PostgreSQL itself (INSERT … SELECT over generate_series), once: a second run reuses them.
Measured: `generer_bilan --format json` (the indicator engine, through the command: < 1 s), against hand-written
SQL GROUP BY over the rows computing the same heures_realisees / participants / entreprises (year and cumul, same
rules: sub-contracted euros converted, training capped per contract; the figures must match) and against one
sequential pass over the rows (ratio printed). The engine reads the summaries the database keeps of the rows
(facilitateurs.resumes), filled by its triggers as the generator inserts. Then the PDF (< 30 s)."""

import io
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/spaser_bench_bilans")

import common  # noqa: E402
from common import Figure, report, scale_volumes, setup, timed  # noqa: E402

PREFIX = "BB"  # identifiant prefix of the benchmark's contracts
ANNEE = 2025
MOIS = 72  # 2020-01 .. 2025-12


def ensure_database():
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("Ce banc demande PostgreSQL (DATABASE_URL=postgresql://…).")
    common.ensure_database()


def _insert_select(cursor, model, count: int, exprs: dict, source: str = ""):
    """INSERT INTO <table> (every concrete column) SELECT <expr per column> FROM generate_series(1, count) g.
    Columns not in `exprs` get NULL when nullable, else the field's default as a parameter."""
    from django.db import models

    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in exprs:
            continue
        column = field.column
        columns.append(f'"{column}"')
        if column in exprs:
            values.append(exprs[column].replace("%", "%%"))
        elif isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            values.append("now()")
        elif field.null:
            values.append("NULL")
        else:
            default = field.get_default()
            if isinstance(field, models.JSONField):
                values.append("%s::jsonb")
                params.append(json.dumps(default))
            else:
                values.append("%s")
                params.append(default)
    sql = (f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) SELECT {", ".join(values)} '
           f"FROM {source or f'generate_series(1, {count}) AS g'}")
    cursor.execute(sql, params)
    if "id" in exprs:
        table = model._meta.db_table
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def _base(cursor, table: str) -> int:
    """First free id: explicit ids (base + g) let rows of other tables point at them without a lookup."""
    cursor.execute(f"SELECT GREATEST((SELECT coalesce(max(id), 0) FROM {table}), "
                   f"(SELECT last_value FROM {table}_id_seq))")
    return cursor.fetchone()[0]


def build(n_marches: int, n_heures: int):
    from django.db import connection, transaction

    from clauses.models import ClauseMarche, FamilleAchat
    from core.models import Organisation
    from facilitateurs.models import Eligibilite, HeuresMensuelles, Participant, Sortie
    from marches.models import Attribution, Entreprise, Marche

    instance = Organisation.objects.instance()
    if instance is None:
        instance = Organisation.objects.create(siret="22400001800016", nom="Département des Landes",
                                               code_postal="40025", type="instance")
    existing = Marche.objects.filter(identifiant__startswith=PREFIX).count()
    if existing == n_marches:
        print(f"Données déjà présentes ({n_marches} marchés) : réutilisées.", flush=True)
        return instance
    if existing:
        cleanup()
    start = time.perf_counter()
    familles = [FamilleAchat.objects.get_or_create(nom=f"Famille banc {i}")[0].pk for i in range(10)]
    n_entreprises, n_participants = max(n_marches // 20, 100), max(n_heures // 33, 1000)
    with transaction.atomic(), connection.cursor() as cursor:
        e0 = _base(cursor, "marches_entreprise")
        _insert_select(cursor, Entreprise, n_entreprises, {
            "id": f"{e0} + g", "siret": f"'{PREFIX}' || lpad(g::text, 12, '0')", "nom": "'Entreprise banc ' || g",
            "code_postal": "CASE WHEN g % 10 < 7 THEN '40100' WHEN g % 10 < 9 THEN '33000' ELSE '64000' END",
            "departement": "CASE WHEN g % 10 < 7 THEN '40' WHEN g % 10 < 9 THEN '33' ELSE '64' END",
            "type_structure": "CASE WHEN g % 25 = 0 THEN 'EI' WHEN g % 25 = 1 THEN 'EA' WHEN g % 25 = 2 THEN 'ESUS' "
                              "ELSE 'AUTRE' END",
        })
        m0 = _base(cursor, "marches_marche")
        f = "ARRAY[" + ",".join(map(str, familles)) + "]"
        _insert_select(cursor, Marche, n_marches, {
            "id": f"{m0} + g", "acheteur_id": str(instance.pk), "famille_id": f"({f})[1 + g % 10]",
            "identifiant": f"'{PREFIX}' || g", "objet": "'Marché de banc n° ' || g",
            "code_cpv": "'45000000'", "procedure": "'Procédure adaptée'",
            "montant_ht": "(10000 + (g * 7919) % 2000000)::numeric", "montant_initial_ht": "(10000 + (g * 7919) % 2000000)::numeric",
            "date_notification": "date '2019-01-01' + ((g * 37) % 2555)",
            "clause_sociale": "g % 3 = 0", "critere_social": "g % 11 = 0", "marche_reserve": "g % 50 = 0",
            "clause_environnementale": "g % 4 <> 0", "critere_environnemental": "g % 5 = 0",
            "statut_conformite": "CASE WHEN g % 7 = 0 THEN 'non_conforme' WHEN g % 7 < 3 THEN 'conforme' "
                                 "ELSE 'non_soumis' END",
            "manquements": "CASE WHEN g % 7 = 0 THEN '[\"Critère environnemental\"]'::jsonb ELSE '[]'::jsonb END",
        })
        # Insertion clauses on one contract in three (the ones that get hours).
        n_clauses = n_marches // 3
        _insert_select(cursor, ClauseMarche, n_clauses, {
            "marche_id": f"{m0} + g * 3", "type_clause": "'insertion'",
            "heures_requises": "round((10000 + ((g * 3) * 7919) % 2000000) * 0.5 * 0.05 / 30, 2)",
            "montant_base_ht": "(10000 + ((g * 3) * 7919) % 2000000)::numeric",
        })
        _insert_select(cursor, Attribution, n_marches, {
            "marche_id": f"{m0} + g", "entreprise_id": f"{e0} + 1 + (g * 13) % {n_entreprises}",
            "role": "'titulaire'",
        })
        p0 = _base(cursor, "facilitateurs_participant")
        _insert_select(cursor, Participant, n_participants, {
            "id": f"{p0} + g", "code": f"'{PREFIX}' || g", "annee_naissance": "1960 + g % 45", "sexe": "CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END",
            "commune": "(ARRAY['Dax','Mont-de-Marsan','Biscarrosse','Mimizan','Saint-Sever','Aire-sur-l''Adour'])[1 + g % 6]",
            "code_postal": "'40000'",
        })
        _insert_select(cursor, Eligibilite, n_participants, {
            "participant_id": f"{p0} + g", "public": "(ARRAY['DELD','RSA','JEUNE_26','TH','QPV','SENIOR_50'])[1 + g % 6]",
            "date_verification": "date '2024-01-01'", "date_fin_validite": "date '2024-04-01'",
        })
        _insert_select(cursor, Sortie, n_participants // 5, {
            "participant_id": f"{p0} + g * 5", "date_sortie": "date '2020-01-01' + (g * 11) % 2190",
            "categorie": "(ARRAY['EMPLOI_DURABLE','EMPLOI_TRANSITION','SORTIE_POSITIVE','AUTRE'])[1 + g % 4]",
        })
        # Hours: row g is (contract i = g % per_month, month k = g / per_month): (contract, month) is unique.
        per_month = -(-n_heures // MOIS)
        modalite = ("CASE WHEN g % 20 = 0 THEN 'FORMATION' WHEN g % 20 = 1 THEN 'SOUS_TRAITANCE_SIAE' "
                    "ELSE 'EMBAUCHE_DIRECTE' END")
        _insert_select(cursor, HeuresMensuelles, n_heures, {
            "marche_id": f"{m0} + 3 * (1 + g % {min(per_month, n_clauses - 1)})",
            "participant_id": f"CASE WHEN g % 20 = 1 THEN NULL ELSE {p0} + 1 + (g * 7) % {n_participants} END",
            "entreprise_id": f"{e0} + 1 + (g * 17) % {n_entreprises}",
            "mois": f"(date '2020-01-01' + make_interval(months => (g / {per_month})::int))::date",
            "modalite": modalite, "type_contrat": "'CDD'",
            "heures": "CASE WHEN g % 20 = 1 THEN 0 ELSE 5 + (g % 140) END",
            "montant_ht": "CASE WHEN g % 20 = 1 THEN (300 + g % 3000)::numeric ELSE NULL END",
        })
    with connection.cursor() as cursor:  # outside the transaction: VACUUM refuses to run in one
        cursor.execute("VACUUM ANALYZE")
    print(f"Données construites en {time.perf_counter() - start:.1f} s", flush=True)
    return instance


def cleanup():
    """Remove a previous run's data (another scale), in foreign-key order."""
    from django.db import connection, transaction

    like = f"{PREFIX}%"
    with transaction.atomic(), connection.cursor() as cursor:
        marches = "SELECT id FROM marches_marche WHERE identifiant LIKE %s"
        participants = "SELECT id FROM facilitateurs_participant WHERE code LIKE %s"
        cursor.execute(f"DELETE FROM facilitateurs_heuresmensuelles WHERE marche_id IN ({marches})", [like])
        cursor.execute(f"DELETE FROM facilitateurs_sortie WHERE participant_id IN ({participants})", [like])
        cursor.execute(f"DELETE FROM facilitateurs_eligibilite WHERE participant_id IN ({participants})", [like])
        cursor.execute("DELETE FROM facilitateurs_participant WHERE code LIKE %s", [like])
        cursor.execute(f"DELETE FROM clauses_clausemarche WHERE marche_id IN ({marches})", [like])
        cursor.execute(f"DELETE FROM marches_attribution WHERE marche_id IN ({marches})", [like])
        cursor.execute("DELETE FROM marches_marche WHERE identifiant LIKE %s", [like])
        cursor.execute("DELETE FROM marches_entreprise WHERE siret LIKE %s", [like])
    print("Données d'une autre échelle supprimées.", flush=True)


SQL_TOTAUX = """
SELECT SUM(CASE WHEN h.modalite = 'SOUS_TRAITANCE_SIAE' AND h.montant_ht IS NOT NULL THEN h.montant_ht / %(taux)s
                ELSE h.heures END) FILTER (WHERE h.modalite <> 'FORMATION') AS heures_hors_formation,
       COUNT(DISTINCT h.participant_id) AS participants,
       COUNT(DISTINCT h.entreprise_id) AS entreprises,
       COUNT(DISTINCT h.entreprise_id) FILTER (WHERE e.departement = %(departement)s) AS entreprises_locales
FROM facilitateurs_heuresmensuelles h
JOIN marches_marche m ON m.id = h.marche_id
JOIN marches_entreprise e ON e.id = h.entreprise_id
WHERE m.acheteur_id = %(acheteur)s AND h.mois BETWEEN %(debut)s AND %(fin)s AND (h.heures > 0 OR h.montant_ht > 0)
"""

SQL_FORMATION = """
SELECT COALESCE(SUM(LEAST(f.declarees, %(part)s * COALESCE(r.requises, 0))), 0)
FROM (SELECT h.marche_id, SUM(h.heures) AS declarees
      FROM facilitateurs_heuresmensuelles h JOIN marches_marche m ON m.id = h.marche_id
      WHERE m.acheteur_id = %(acheteur)s AND h.mois BETWEEN %(debut)s AND %(fin)s AND h.modalite = 'FORMATION'
        AND h.heures > 0
      GROUP BY h.marche_id) f
LEFT JOIN (SELECT marche_id, SUM(heures_requises) AS requises FROM clauses_clausemarche
           WHERE type_clause = 'insertion' GROUP BY marche_id) r ON r.marche_id = f.marche_id
"""


def sql_figures(instance, depuis: int):
    """The same figures by hand: for the year and for the cumul, one aggregate + one GROUP BY contract."""
    from datetime import date

    from django.conf import settings
    from django.db import connection

    params = {"taux": Decimal(str(settings.SPASER["SOUS_TRAITANCE_EUROS_PAR_HEURE"])),
              "part": Decimal(str(settings.SPASER["FORMATION_PART_MAX"])), "acheteur": instance.pk,
              "departement": instance.departement}
    result = {}
    with connection.cursor() as cursor:
        for key, debut in (("annee", date(ANNEE, 1, 1)), ("cumul", date(depuis, 1, 1))):
            bornes = {**params, "debut": debut, "fin": date(ANNEE, 12, 31)}
            cursor.execute(SQL_TOTAUX, bornes)
            hors_formation, participants, entreprises, locales = cursor.fetchone()
            cursor.execute(SQL_FORMATION, bornes)
            formation = cursor.fetchone()[0]
            result[key] = ((hors_formation or 0) + formation, participants, entreprises, locales)
    return result


def sequential_pass():
    """One pass over every hour row, as PostgreSQL runs it (parallel sequential scan): the yardstick of the issue."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT SUM(heures) FROM facilitateurs_heuresmensuelles")
        return cursor.fetchone()[0]


def dashboard_requests(instance) -> dict:
    """The dashboard as a request serves it (bilans.figures: stored figures, never computed in the request), through
    Django's test client as a DCP user. The job the request queues is run here, timed apart (the worker's part):
    Celery's delay is replaced by a list. Measured: the request with current figures; the first request after a
    data change (previous figures served with their date, one recompute queued), asserting that no query of it
    reads the hours table."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.enums import Role
    from core.jobs import job_run
    from core.models import User
    from core.tasks import run_tache
    from facilitateurs.models import HeuresMensuelles

    user, _ = User.objects.get_or_create(username="bench-bilans-dcp",
                                         defaults={"role": Role.DCP, "organisation": instance})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = f"/bilans/?annee={ANNEE}"
    queued = []
    delay = run_tache.delay
    run_tache.delay = queued.append
    try:
        def run_queued():
            while queued:
                job_run(queued.pop(0))

        assert client.get(url).status_code == 200  # queues the computation when nothing current is stored
        start = time.perf_counter()
        run_queued()
        t_job = (time.perf_counter() - start) * 1000
        assert "mise à jour en cours" not in client.get(url).content.decode()
        t_current, response = timed(lambda: client.get(url), repeat=5)
        assert 'data-testid="kpis"' in response.content.decode()

        ligne = HeuresMensuelles.objects.filter(marche__identifiant__startswith=PREFIX).first()
        times, hours_queries = [], 0
        for _ in range(3):
            ligne.save()  # a data change (the version moves)
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            html = response.content.decode()
            assert response.status_code == 200 and "mise à jour en cours" in html and 'data-testid="kpis"' in html
            hours_queries += sum("facilitateurs_heuresmensuelles" in q["sql"] for q in ctx.captured_queries)
            run_queued()  # the worker recomputes; the next change finds current figures again
        t_after_change = sorted(times)[len(times) // 2]
    finally:
        run_tache.delay = delay
    print(f"tableau de bord (requête) : chiffres à jour {t_current:.0f} ms ; premier affichage après une "
          f"modification {t_after_change:.0f} ms ({hours_queries} requête(s) sur les heures) ; tâche {t_job:.0f} ms",
          flush=True)
    return {"tache": t_job, "a_jour": t_current, "apres_modification": t_after_change,
            "requetes_heures": hours_queries}


def main():
    ensure_database()
    setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from django.core.management import call_command

    from bilans.pdf import bilan_pdf
    from bilans.selectors import indicateurs_annuels

    scale, n_marches, n_heures = scale_volumes()
    instance = build(n_marches, n_heures)

    def command_json():
        out = io.StringIO()
        call_command("generer_bilan", "--annee", str(ANNEE), "--acheteur", instance.siret, "--format", "json",
                     stdout=out)
        return json.loads(out.getvalue())

    command_json()  # warm the caches once, for both sides
    t_command, data = timed(command_json, repeat=3)
    t_sql, figures = timed(lambda: sql_figures(instance, data["cumul"]["depuis"]), repeat=3)
    annee, cumul = figures["annee"], figures["cumul"]
    assert abs(float(annee[0]) - data["heures_realisees"]) <= 0.01, (annee, data["heures_realisees"])
    assert (annee[1], annee[2]) == (data["participants"], data["entreprises"])
    assert abs(float(cumul[0]) - data["cumul"]["heures_realisees"]) <= 0.01, (cumul, data["cumul"])
    assert (cumul[1], cumul[2]) == (data["cumul"]["participants"], data["cumul"]["entreprises"])
    ratio = t_command / t_sql
    t_passe, _ = timed(sequential_pass, repeat=3)
    ratio_passe = t_command / t_passe
    print(f"generer_bilan --format json : {t_command:.0f} ms ; SQL GROUP BY à la main : {t_sql:.0f} ms ; "
          f"rapport {ratio:.2f} ; une passe séquentielle sur les relevés : {t_passe:.0f} ms (rapport "
          f"{ratio_passe:.1f})", flush=True)
    t_dashboard, _ = timed(lambda: indicateurs_annuels(acheteur=instance, annee=ANNEE), repeat=3)
    pages = dashboard_requests(instance)
    start = time.perf_counter()
    pdf = bilan_pdf(acheteur=instance, annee=ANNEE)
    t_pdf = time.perf_counter() - start
    print(f"PDF : {len(pdf)} octets en {t_pdf:.1f} s", flush=True)
    report("bilans", [
        Figure(f"échelle {scale} : marchés / relevés d'heures ({n_marches:,} / {n_heures:,})".replace(",", " "),
               n_heures, "lignes"),
        Figure("generer_bilan --format json", t_command, "ms", target="< 1000", ok=t_command < 1000),
        Figure("une passe séquentielle sur les relevés d'heures (SUM)", t_passe, "ms"),
        Figure("rapport generer_bilan / passe séquentielle", ratio_passe, "x"),
        Figure("SQL GROUP BY écrit à la main (mêmes chiffres)", t_sql, "ms"),
        Figure("rapport commande / SQL", ratio, "x", target="<= 3", ok=ratio <= 3),
        Figure("indicateurs complets (tableau de bord, calcul)", t_dashboard, "ms"),
        Figure("calcul des chiffres par la tâche « indicateurs »", pages["tache"], "ms"),
        Figure("tableau de bord, chiffres à jour (requête)", pages["a_jour"], "ms", target="< 500",
               ok=pages["a_jour"] < 500),
        Figure("tableau de bord, premier affichage après une modification", pages["apres_modification"], "ms",
               target="< 500", ok=pages["apres_modification"] < 500 and pages["requetes_heures"] == 0),
        Figure("PDF du bilan annuel", t_pdf, "s", target="< 30", ok=t_pdf < 30),
    ])


if __name__ == "__main__":
    main()
