import datetime
from decimal import Decimal

import pytest

from core.models import Organisation
from demo import insertion, organisations
from facilitateurs import selectors, services
from facilitateurs.models import Convention, HeuresMensuelles, IdentiteParticipant, Participant, Sortie
from tests.clauses.factories import ClauseMarcheFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


def _seed_with_contracts():
    organisations.seed()
    xl = Organisation.objects.get(siret="27400012300019")
    instance = Organisation.objects.get(type="instance")
    marches = []
    for i, acheteur in enumerate([instance, instance, xl, xl]):
        marche = MarcheFactory(acheteur=acheteur, date_debut=datetime.date(2023 + i % 2, 3, 1),
                               date_fin=datetime.date(2026, 12, 31))
        ClauseMarcheFactory(marche=marche, heures_requises=Decimal("2000"))
        marches.append(marche)
    insertion.seed()
    return xl, marches


def _anomalies_stockees():
    """The plausibility rule run over every stored row, as if they were entered now."""
    return services.heures_anomalies([
        services.HeuresSaisies(marche_id=h.marche_id, participant_id=h.participant_id, entreprise_id=h.entreprise_id,
                               mois=h.mois, modalite=h.modalite, heures=h.heures, ref=h.pk)
        for h in HeuresMensuelles.objects.all()])


def test_demo_seed_is_consistent_and_idempotent():
    xl, marches = _seed_with_contracts()
    counts = (Convention.objects.count(), Participant.objects.count(), HeuresMensuelles.objects.count(),
              Sortie.objects.count())
    insertion.seed()
    assert counts == (Convention.objects.count(), Participant.objects.count(), HeuresMensuelles.objects.count(),
                      Sortie.objects.count())
    assert counts[0] == 3 and 60 <= counts[1] <= 120 and counts[2] > 100
    assert IdentiteParticipant.objects.count() == counts[1]
    assert set(Convention.objects.get(partenaire=xl).marches.all()) == set(marches[2:])
    assert HeuresMensuelles.objects.filter(mois__lt=datetime.date(2022, 1, 1)).count() == 0
    realised = selectors.heures_realisees_par_marche([m.pk for m in marches])
    assert all(value > 0 for value in realised.values())
    assert _anomalies_stockees() == []  # the demo's hours pass the entry rules (monthly maximum, placements)


def test_demo_hours_stay_within_a_lower_monthly_maximum(settings):
    """The demo bulk-writes its hours: it keeps each participant's month within the configured maximum itself."""
    settings.SPASER = {**settings.SPASER, "HEURES_MAX_PAR_MOIS": 60}
    _seed_with_contracts()
    assert HeuresMensuelles.objects.filter(participant__isnull=False).count() > 100
    assert _anomalies_stockees() == []
