"""The embedded SQLite default: a request that reads then writes while a job holds the write lock waits for it
instead of failing with "database is locked" (config/settings/base.py: transaction_mode IMMEDIATE, timeout)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from core.models import Organisation
from tests.core.factories import OrganisationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking (PostgreSQL locks rows)"),
]


def test_a_read_then_write_transaction_waits_for_another_writer():
    organisation = OrganisationFactory(nom="Avant")
    tient, fini, erreurs = threading.Event(), threading.Event(), []

    def job():  # another connection writes and keeps its lock a moment, as a job's transaction does
        try:
            with transaction.atomic():
                Organisation.objects.filter(pk=organisation.pk).update(nom="Par le job")
                tient.set()
                time.sleep(1.0)
        except Exception as exc:  # noqa: BLE001 — reported below
            erreurs.append(exc)
            tient.set()
        finally:
            connections.close_all()
            fini.set()

    fil = threading.Thread(target=job)
    fil.start()
    assert tient.wait(10)
    with transaction.atomic():  # a request under ATOMIC_REQUESTS: reads, then writes
        nom = Organisation.objects.get(pk=organisation.pk).nom
        Organisation.objects.filter(pk=organisation.pk).update(nom=nom + " puis la requête")
    fil.join(10)
    assert fini.is_set() and not erreurs, erreurs
    assert Organisation.objects.get(pk=organisation.pk).nom == "Par le job puis la requête"
