"""The demo's FSE+ operation (demo.fse), seeded on a few contracts with insertion clauses (as
tests/demo/test_insertion.py does), and `rapport_fse` on it."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import Organisation
from demo import fse as demo_fse
from demo import insertion, organisations
from fse import selectors
from fse.indicateurs import rapport
from fse.models import OperationFSE, ParticipationFSE
from tests.clauses.factories import ClauseMarcheFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    organisations.seed()
    xl = Organisation.objects.get(siret="27400012300019")
    instance = Organisation.objects.get(type="instance")
    for i, acheteur in enumerate([instance, instance, xl, xl]):
        marche = MarcheFactory(acheteur=acheteur, date_debut=datetime.date(2023 + i % 2, 3, 1),
                               date_fin=datetime.date(2026, 12, 31))
        ClauseMarcheFactory(marche=marche, heures_requises=Decimal("4000"))
    insertion.seed()
    out = io.StringIO()
    demo_fse.seed(stdout=out)
    return OperationFSE.objects.get(reference=demo_fse.REFERENCE), out.getvalue()


def test_demo_operation_has_participants_and_some_incomplete_records(demo):
    operation, texte = demo
    assert "FSE+ : opération 202302345" in texte
    assert operation.conventions.exists() and operation.facilitateurs.filter(username="facilitateur").exists()
    participations = ParticipationFSE.objects.filter(operation=operation)
    assert participations.count() >= 10
    assert participations.filter(convention__isnull=False).exists()
    assert participations.filter(handicap="nspr").exists() or participations.filter(minorite="nspr").exists()
    today = timezone.localdate()
    annees = sorted({p.date_entree.year for p in participations})
    rapports = [rapport(annee=a, operation=operation, aujourd_hui=today) for a in annees]
    assert sum(r.participants for r in rapports) == participations.count()
    assert sum(r.donnees_incompletes for r in rapports) > 0
    assert any(r.indicateurs["EECO02"] > 0 for r in rapports) and any(r.indicateurs["EECR04"] > 0 for r in rapports)
    manques = selectors.a_completer(aujourd_hui=today, operation=operation)
    assert {k for m in manques for k in m.manques} >= {"entrée", "sortie"}
    # idempotent
    demo_fse.seed(stdout=io.StringIO())
    assert ParticipationFSE.objects.filter(operation=operation).count() == participations.count()


def test_rapport_fse_runs_on_the_demo(demo):
    operation, _texte = demo
    annee = ParticipationFSE.objects.filter(operation=operation).earliest("date_entree").date_entree.year
    out = io.StringIO()
    call_command("rapport_fse", "--annee", str(annee), "--operation", operation.reference, stdout=out)
    data = json.loads(out.getvalue())
    assert data["participants"] > 0 and data["indicateurs"]["EECO01"] > 0
