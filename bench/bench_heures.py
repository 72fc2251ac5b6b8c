"""Hours import and facilitator pages at scale.

- generates a 200,000-row hours CSV (50 contracts × 2,000 participants × 2 months) and times `import_heures`
  (first import: inserts; second: the same file again, upserts that replace values), target < 60 s each;
- counts the queries of the hours grid and of the facilitator home with small vs large data (must be equal).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/spaser_bench_heures .venv/bin/python bench/bench_heures.py
"""

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/spaser_bench_heures")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Figure, ensure_database, report, setup  # noqa: E402

NB_MARCHES, NB_PARTICIPANTS, NB_LIGNES = 50, 2000, 200_000



def main():
    ensure_database()
    setup()
    import datetime
    from decimal import Decimal

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from clauses.models import ClauseMarche
    from core.enums import Role, TypeOrganisation
    from core.models import Organisation, User
    from facilitateurs.models import Eligibilite, HeuresMensuelles, MiseEnEmploi, Participant, Sortie
    from marches.models import Entreprise, Marche

    setup_test_environment()
    today = timezone.localdate()
    acheteur, _ = Organisation.objects.get_or_create(siret="21409999900014", defaults={
        "nom": "Acheteur du banc d'essai heures", "type": TypeOrganisation.OPEN_DATA})
    HeuresMensuelles.objects.filter(marche__acheteur=acheteur)._raw_delete(connection.alias)
    MiseEnEmploi.objects.filter(marche__acheteur=acheteur)._raw_delete(connection.alias)
    marches = []
    for i in range(NB_MARCHES):
        marche, created = Marche.objects.get_or_create(acheteur=acheteur, identifiant=f"BH{i:04d}", defaults={
            "objet": f"Travaux banc d'essai {i}", "montant_ht": Decimal("2000000"), "code_cpv": "45000000",
            "date_debut": today - datetime.timedelta(days=200), "date_fin": today + datetime.timedelta(days=400)})
        if created:
            ClauseMarche.objects.create(marche=marche, type_clause="insertion", heures_requises=Decimal("5000"))
        marches.append(marche)
    # A contract that lags whatever the data size, so the alert lists have the same shape in both measures.
    lag, created = Marche.objects.get_or_create(acheteur=acheteur, identifiant="BH-RETARD", defaults={
        "objet": "Travaux en retard", "montant_ht": Decimal("9000000"), "date_debut": today - datetime.timedelta(days=200),
        "date_fin": today + datetime.timedelta(days=100)})
    if created:
        ClauseMarche.objects.create(marche=lag, type_clause="insertion", heures_requises=Decimal("10000000"))
    entreprise, _ = Entreprise.objects.get_or_create(siret="73282932000074", defaults={"nom": "Bâti banc"})
    existing = set(Participant.objects.filter(code__startswith="BH-").values_list("code", flat=True))
    Participant.objects.bulk_create([Participant(code=f"BH-{n:05d}") for n in range(NB_PARTICIPANTS)
                                     if f"BH-{n:05d}" not in existing], batch_size=2000)
    user, _ = User.objects.get_or_create(username="bench-facilitateur", defaults={"role": Role.FACILITATEUR})
    client = Client()
    client.force_login(user)

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(ctx.captured_queries)

    participants = list(Participant.objects.filter(code__startswith="BH-").order_by("code"))
    grille_url = reverse("facilitateurs:grille", args=[marches[0].pk]) + f"?mois={today:%Y-%m}"
    home_url = reverse("facilitateurs:home")

    def placements(start, stop):
        MiseEnEmploi.objects.bulk_create([MiseEnEmploi(
            participant=p, entreprise=entreprise, marche=marches[0], modalite="EMBAUCHE_DIRECTE", type_contrat="CDD",
            date_debut=today - datetime.timedelta(days=100)) for p in participants[start:stop]])
        for p in participants[start:stop:10]:
            Eligibilite.objects.get_or_create(participant=p, public="RSA", defaults={
                "date_verification": today, "date_fin_validite": today + datetime.timedelta(days=5)})
            Sortie.objects.get_or_create(participant=p, date_sortie=today - datetime.timedelta(days=300),
                                         defaults={"categorie": "AUTRE"})

    placements(0, 5)
    petit = {"grille": queries(grille_url), "home": queries(home_url)}

    # The 200,000-row file.
    path = Path(tempfile.mkdtemp()) / "heures-200000.csv"
    mois = [today.replace(day=1), (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("acheteur_siret;marche_id;entreprise_siret;entreprise_nom;entreprise_code_postal;"
                     "participant_code;mois;heures;modalite;type_contrat\n")
        for i in range(NB_LIGNES):
            p, m, mo = i % NB_PARTICIPANTS, (i // NB_PARTICIPANTS) % NB_MARCHES, i // (NB_PARTICIPANTS * NB_MARCHES)
            handle.write(f"{acheteur.siret};BH{m:04d};{entreprise.siret};Bâti banc;40000;BH-{p:05d};"
                         f"{mois[mo]:%Y-%m};{1 + i % 3},5;EMBAUCHE_DIRECTE;CDD\n")  # 50 contracts: <= 175 h a month

    from django.core.management import call_command

    start = time.perf_counter()
    call_command("import_heures", str(path))
    premier = time.perf_counter() - start
    start = time.perf_counter()
    call_command("import_heures", str(path))
    second = time.perf_counter() - start
    count = HeuresMensuelles.objects.filter(marche__acheteur=acheteur).count()
    assert count == NB_LIGNES, count

    placements(5, 1000)
    grand = {"grille": queries(grille_url), "home": queries(home_url)}
    path.unlink()
    figures = [
        Figure("import_heures 200 000 lignes (création)", premier, "s", target="< 60", ok=premier < 60),
        Figure("import_heures 200 000 lignes (réimport, mise à jour)", second, "s", target="< 60", ok=second < 60),
        Figure("requêtes grille (5 mises en emploi)", petit["grille"], "req"),
        Figure("requêtes grille (1 000 mises en emploi, 200 000 relevés)", grand["grille"], "req",
               target=f"= {petit['grille']}", ok=grand["grille"] == petit["grille"]),
        Figure("requêtes accueil facilitateur (petites données)", petit["home"], "req"),
        Figure("requêtes accueil facilitateur (grandes données)", grand["home"], "req",
               target=f"= {petit['home']}", ok=grand["home"] == petit["home"]),
    ]
    report("heures", figures)
    if not all(f.ok for f in figures if f.ok is not None):
        sys.exit(1)


if __name__ == "__main__":
    main()
