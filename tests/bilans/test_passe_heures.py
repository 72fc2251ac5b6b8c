"""The engine reads the hour rows once for the year, the cumul and the realisation (bilans.selectors._heures_passe):
each figure keeps its own period. Dataset: tests/bilans/conftest.py `jeu` (hand-computed figures in its docstring)."""

import datetime
from decimal import Decimal

import pytest

from bilans.selectors import indicateurs_annuels


def test_realisation_of_the_current_year_stops_at_today_while_the_year_counts_every_row(jeu, monkeypatch):
    # On 15/04/2025, the realisation counts rows up to April 2025: M1 100 + 50 + 40 h (its May training is later);
    # M5 2024: 200 h + training 200 h capped to 150 h (30 % of 500 h); its June 2025 sub-contracting is later.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2025, 4, 15))
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025, details=False)
    assert data.realisation.date_reference == datetime.date(2025, 4, 15)
    assert (data.realisation.marches, data.realisation.heures_requises) == (2, Decimal("800.00"))
    assert data.realisation.heures_realisees == Decimal("540.00")
    # The year and the cumul are not cut at the reference date.
    assert (data.heures_realisees, data.participants, data.entreprises) == (Decimal("380.00"), 3, 3)
    assert (data.cumul.heures_realisees, data.cumul.participants) == (Decimal("730.00"), 4)


def test_realisation_of_a_past_year_counts_every_row_up_to_its_end(jeu):
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025, details=False)
    # M1 190 h + training 120 h capped to 90 h = 280 h; M5 200 h + 150 h + 100 h (3 000 € sub-contracted at 30 €/h).
    assert data.realisation.heures_realisees == Decimal("730.00")


def test_cumul_since_a_given_year_leaves_out_earlier_rows_and_people(jeu):
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025, depuis=2025, details=False)
    assert data.cumul.depuis == 2025
    assert (data.cumul.heures_realisees, data.cumul.participants, data.cumul.entreprises,
            data.cumul.entreprises_locales) == (Decimal("380.00"), 3, 3, 2)
    depuis_2024 = indicateurs_annuels(acheteur=jeu.instance, annee=2025, depuis=2024, details=False).cumul
    assert (depuis_2024.heures_realisees, depuis_2024.participants, depuis_2024.entreprises,
            depuis_2024.entreprises_locales) == (Decimal("730.00"), 4, 3, 2)


def test_a_past_year_counts_only_its_own_rows_and_people(jeu):
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2024, details=False)
    # 2024: M5 P4/E2 200 h, P1/E1 training 200 h capped to 150 h; 2025 rows are after the year.
    assert (data.heures_realisees, data.participants, data.entreprises, data.entreprises_locales) == (
        Decimal("350.00"), 2, 2, 1)
    assert (data.heures_formation_declarees, data.heures_formation_comptees) == (Decimal("200.00"), Decimal("150.00"))
    assert (data.cumul.depuis, data.cumul.heures_realisees, data.cumul.participants) == (2024, Decimal("350.00"), 2)


def test_generer_bilan_json_gives_the_engine_figures_and_its_postgresql_settings_end_with_it(jeu):
    import io
    import json

    from django.core.management import call_command
    from django.db import connection, transaction

    from bilans.calcul import memoire_de_calcul
    from bilans.selectors import to_jsonable

    def reglages():
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
            return cursor.fetchone()

    avant = reglages()

    class Fin(Exception):
        pass

    # SET LOCAL: the settings live as long as the transaction (here a savepoint of the test's, rolled back).
    with pytest.raises(Fin), transaction.atomic():
        memoire_de_calcul()
        assert reglages() == (("64MB", "off") if connection.vendor == "postgresql" else None)
        raise Fin
    assert reglages() == avant
    out = io.StringIO()
    call_command("generer_bilan", "--annee", "2025", "--acheteur", jeu.instance.siret, "--format", "json", stdout=out)
    attendu = to_jsonable(indicateurs_annuels(acheteur=jeu.instance, annee=2025, details=False))
    assert json.loads(out.getvalue()) == json.loads(json.dumps(attendu))
