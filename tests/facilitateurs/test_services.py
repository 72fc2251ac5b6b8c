import datetime
from decimal import Decimal

import pytest

from facilitateurs import services
from facilitateurs.enums import Modalite
from facilitateurs.models import HeuresMensuelles, IdentiteParticipant, Participant
from tests.core.factories import UserFactory
from tests.facilitateurs.factories import (
    HeuresMensuellesFactory,
    IdentiteParticipantFactory,
    ParticipantFactory,
)
from tests.marches.factories import EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db


def test_add_months():
    assert services.add_months(datetime.date(2026, 11, 26), 3) == datetime.date(2027, 2, 26)
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2026, 3, 15), -6) == datetime.date(2025, 9, 15)


def test_eligibilite_default_validity_and_validator(settings):
    settings.SPASER = {**settings.SPASER, "VALIDITE_JUSTIFICATIF_MOIS": 3}
    user = UserFactory(role="facilitateur")
    participant = ParticipantFactory()
    e = services.eligibilite_enregistrer(participant=participant, public="RSA", date_verification=datetime.date(2026, 1, 10),
                                  user=user)
    assert e.date_fin_validite == datetime.date(2026, 4, 10)
    assert e.valide_par == user
    assert e.history.first().history_user == user


def test_participant_identity_kept_apart_with_history():
    user = UserFactory(role="facilitateur")
    p = services.participant_enregistrer(participant=Participant(code=" P1 "), user=user,
                                  identite={"nom": "Durand", "prenom": "Léa"})
    assert p.code == "P1"
    assert IdentiteParticipant.objects.get(participant=p).nom == "Durand"
    assert p.identite.history.first().history_user == user


def test_heures_upsert_replaces_instead_of_adding():
    marche, entreprise, participant = MarcheFactory(), EntrepriseFactory(), ParticipantFactory()
    for value in ("35", "70"):
        services.heures_enregistrer(marche=marche, entreprise=entreprise, participant=participant,
                               mois=datetime.date(2026, 3, 17), modalite=Modalite.EMBAUCHE_DIRECTE,
                               heures=Decimal(value))
    row = HeuresMensuelles.objects.get()
    assert row.heures == Decimal("70") and row.mois == datetime.date(2026, 3, 1)


def test_purge_removes_identity_keeps_figures(settings):
    settings.SPASER = {**settings.SPASER, "RETENTION_IDENTITE_ANNEES": 5}
    old = IdentiteParticipantFactory(nom="Ancien").participant
    HeuresMensuellesFactory(participant=old, mois=datetime.date(2019, 1, 1))
    recent = IdentiteParticipantFactory(nom="Recent").participant
    HeuresMensuellesFactory(participant=recent, mois=datetime.date(2019, 1, 1))
    HeuresMensuellesFactory(participant=recent, mois=datetime.date(2025, 1, 1))
    sans_heures = IdentiteParticipantFactory(nom="Jamais").participant
    Participant.objects.filter(pk=sans_heures.pk).update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    nouveau = IdentiteParticipantFactory(nom="Nouveau").participant
    codes = services.identites_purger(today=datetime.date(2026, 6, 1))
    assert sorted(codes) == sorted([old.code, sans_heures.code])
    assert set(IdentiteParticipant.objects.values_list("participant_id", flat=True)) == {recent.pk, nouveau.pk}
    assert not IdentiteParticipant.history.filter(nom="Ancien").exists()
    assert Participant.objects.filter(pk=old.pk).exists()
    assert HeuresMensuelles.objects.filter(participant=old).count() == 1
