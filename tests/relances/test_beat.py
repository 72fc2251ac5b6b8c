"""Celery beat runs the reminders every day with the same code as the command."""

import datetime

import pytest
from celery.schedules import crontab

from config.celery import app
from relances.models import EnvoiRelance
from relances.tasks import relances_envoyer_tache


def test_the_beat_schedule_names_the_reminders_task_daily_at_the_configured_hour(settings):
    entree = app.conf.beat_schedule["relances-quotidiennes"]
    app.loader.import_default_modules()
    assert entree["task"] in app.tasks
    assert entree["task"] == relances_envoyer_tache.name
    assert isinstance(entree["schedule"], crontab)
    assert entree["schedule"].hour == {settings.RELANCES["HEURE"]} and entree["schedule"].minute == {0}


@pytest.mark.django_db
def test_the_task_sends_todays_reminders(monkeypatch, settings):
    from core.enums import Role
    from tests.core.factories import UserFactory
    from tests.declarations.factories import DeclarationFactory

    settings.RELANCES = {**settings.RELANCES, "JOUR_SYNTHESE": 0}
    facilitateur = UserFactory(role=Role.FACILITATEUR, email="f@exemple.invalid")
    DeclarationFactory()  # one waiting: the digest has something to say
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 11, 30))
    resultat = relances_envoyer_tache.delay().get()
    assert resultat == {"synthese": 1}
    assert EnvoiRelance.objects.get().user == facilitateur
