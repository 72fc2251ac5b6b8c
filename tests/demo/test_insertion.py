import datetime
import random
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from core.models import Organisation
from demo import insertion, organisations
from facilitateurs import selectors, services
from facilitateurs.enums import Public
from facilitateurs.models import (
    Convention,
    HeuresMensuelles,
    IdentiteParticipant,
    MiseEnEmploi,
    Participant,
    Sortie,
)
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
    assert counts[0] == 3 and counts[1] >= 15 and counts[2] > 50
    assert IdentiteParticipant.objects.count() == counts[1]
    # A participant is created for a placement: everyone has worked, about 185 h each as in the customer's bilan.
    assert not Participant.objects.filter(heures__isnull=True).exists()
    assert not Participant.objects.filter(eligibilites__isnull=True).exists()
    par_personne = HeuresMensuelles.objects.filter(participant__isnull=False).aggregate(s=Sum("heures"))["s"] / counts[1]
    assert 80 <= par_personne <= 400
    assert set(Convention.objects.get(partenaire=xl).marches.all()) == set(marches[2:])
    assert HeuresMensuelles.objects.filter(mois__lt=insertion.PREMIER_MOIS).count() == 0
    realised = selectors.heures_realisees_par_marche([m.pk for m in marches])
    assert all(value > 0 for value in realised.values())
    assert _anomalies_stockees() == []  # the demo's hours pass the entry rules (monthly maximum, placements)


def test_demo_hours_stay_within_a_lower_monthly_maximum(settings):
    """The demo bulk-writes its hours: it keeps each participant's month within the configured maximum itself."""
    settings.SPASER = {**settings.SPASER, "HEURES_MAX_PAR_MOIS": 60}
    _seed_with_contracts()
    assert HeuresMensuelles.objects.filter(participant__isnull=False).count() > 100
    assert _anomalies_stockees() == []


def test_demo_ages_agree_with_the_eligibility_criteria():
    """Under 26 at entry for JEUNE_26 (and EPIDE/E2C), 50 or more for SENIOR_50; birth years are stored alone."""
    entree = datetime.date(2024, 3, 12)
    rng = random.Random(1)
    for _ in range(200):
        assert 19 <= entree.year - insertion.annee_naissance(rng, {Public.JEUNE_26, Public.RSA}, entree) <= 25
        assert entree.year - insertion.annee_naissance(rng, {Public.SENIOR_50}, entree) >= 51
        assert 27 <= entree.year - insertion.annee_naissance(rng, {Public.DELD, Public.QPV}, entree) <= 49

    _seed_with_contracts()
    recent = services.add_months(timezone.localdate(), -3)
    for participant in Participant.objects.prefetch_related("eligibilites", "mises_en_emploi"):
        debut = min(m.date_debut for m in participant.mises_en_emploi.all())
        publics = {e.public for e in participant.eligibilites.all()}
        ecart = debut.year - participant.annee_naissance
        if Public.JEUNE_26 in publics:
            assert ecart <= 25
        if Public.SENIOR_50 in publics:
            assert ecart >= 51
        # Eligibility checked before the first placement (or lately, for a proof about to expire).
        assert all(e.date_verification <= debut or e.date_verification >= recent for e in participant.eligibilites.all())
    assert MiseEnEmploi.objects.count() >= Participant.objects.count()
