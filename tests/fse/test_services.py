"""Writes on operations and participations: the rules, in French, nothing written on error, history with the
author."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.enums import Role
from fse import services
from fse.models import OperationFSE, ParticipationFSE
from tests.core.factories import UserFactory
from tests.facilitateurs.factories import ConventionFactory, ParticipantFactory
from tests.fse.factories import OperationFSEFactory, ParticipationFSEFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def user():
    return UserFactory(role=Role.FACILITATEUR)


def _operation(user, **kw):
    champs = {"reference": "202302345", "intitule": "Facilitation 2023-2027", "date_debut": D(2023, 1, 1),
              "date_fin": D(2027, 12, 31), "montant_fse": Decimal("250000")}
    champs.update(kw)
    return services.operation_enregistrer(user=user, **champs)


def _participation_champs(operation, **kw):
    champs = {"operation": operation, "participant": ParticipantFactory(), "date_entree": D(2024, 2, 1),
              "date_information": D(2024, 2, 1), "situation_entree": "chomeur"}
    champs.update(kw)
    return champs


def test_operation_created_with_its_facilitators_and_conventions_and_history(user):
    convention = ConventionFactory()
    operation = _operation(user, facilitateurs=[user], conventions=[convention])
    assert operation.pk and list(operation.conventions.all()) == [convention]
    assert list(operation.facilitateurs.all()) == [user]
    assert operation.history.latest().history_user == user
    avant = operation.history.count()
    services.operation_enregistrer(user=user, instance=operation, intitule="Nouvel intitulé")
    operation.refresh_from_db()
    assert operation.intitule == "Nouvel intitulé" and operation.history.count() == avant + 1
    assert operation.history.latest().intitule == "Nouvel intitulé"


@pytest.mark.parametrize(("champs", "champ", "message"), [
    ({"date_fin": D(2022, 12, 31)}, "date_fin", "La fin de l'opération précède son début."),
    ({"montant_fse": Decimal("-1")}, "montant_fse", "ne peut pas être négatif"),
    ({"intitule": ""}, "intitule", "Ce champ ne peut pas être vide."),
    ({"montant_fse": "beaucoup"}, "montant_fse", "doit être un nombre décimal"),
    ({"montant_fse": "-5"}, "montant_fse", "ne peut pas être négatif"),
    ({"date_debut": None}, "date_debut", "Ce champ ne peut pas contenir la valeur nulle."),
])
def test_operation_errors_in_french_and_nothing_written(user, champs, champ, message):
    with pytest.raises(ValidationError) as exc:
        _operation(user, **champs)
    assert any(message in m for m in exc.value.message_dict[champ])
    assert not OperationFSE.objects.exists()


def test_operation_reference_unique_and_period_keeps_its_participants(user):
    operation = _operation(user)
    with pytest.raises(ValidationError) as exc:
        _operation(user, reference=" 202302345 ")
    assert exc.value.message_dict["reference"] == ["Une opération porte déjà cette référence."]
    ParticipationFSEFactory(operation=operation, date_entree=D(2023, 2, 1))
    with pytest.raises(ValidationError) as exc:
        services.operation_enregistrer(user=user, instance=operation, date_debut=D(2024, 1, 1))
    assert "entrés hors de cette période" in exc.value.message_dict["date_debut"][0]
    operation.refresh_from_db()
    assert operation.date_debut == D(2023, 1, 1)


def test_removing_a_convention_still_used_is_refused(user):
    convention = ConventionFactory()
    operation = _operation(user, conventions=[convention])
    ParticipationFSEFactory(operation=operation, convention=convention)
    with pytest.raises(ValidationError) as exc:
        services.operation_enregistrer(user=user, instance=operation, conventions=[])
    assert "convention retirée" in exc.value.message_dict["conventions"][0]
    assert list(operation.conventions.all()) == [convention]


def test_participation_created_and_updated_with_history(user):
    convention = ConventionFactory()
    operation = _operation(user, conventions=[convention])
    participation = services.participation_enregistrer(user=user, **_participation_champs(
        operation, convention=convention, handicap="nspr"))
    assert participation.pk and participation.handicap == "nspr"
    assert participation.history.latest().history_user == user
    services.participation_enregistrer(user=user, instance=participation, sortie_formation=True,
                                       situation_amelioree_6_mois=False)
    participation.refresh_from_db()
    assert participation.sortie_formation is True and participation.situation_amelioree_6_mois is False
    assert participation.history.count() == 2


@pytest.mark.parametrize(("champs", "champ", "message"), [
    ({"date_entree": D(2022, 12, 31)}, "date_entree",
     "La date d'entrée doit être comprise dans la période de l'opération (du 01/01/2023 au 31/12/2027)."),
    ({"date_entree": D(2028, 1, 1)}, "date_entree", "comprise dans la période de l'opération"),
    ({"date_information": None}, "date_information", "Indiquez la date à laquelle la personne a été informée"),
    ({"date_information": timezone.localdate() + datetime.timedelta(days=1)}, "date_information",
     "La date d'information ne peut pas être dans le futur."),
    ({"situation_entree": "salarie"}, "situation_entree", "n’est pas un choix valide"),
    ({"handicap": "peut-etre"}, "handicap", "n’est pas un choix valide"),
])
def test_participation_errors_in_french_and_nothing_written(user, champs, champ, message):
    operation = _operation(user)
    with pytest.raises(ValidationError) as exc:
        services.participation_enregistrer(user=user, **_participation_champs(operation, **champs))
    assert any(message in m for m in exc.value.message_dict[champ]), exc.value.message_dict
    assert not ParticipationFSE.objects.exists()


def test_convention_must_be_covered_by_the_operation(user):
    operation = _operation(user, conventions=[ConventionFactory()])
    with pytest.raises(ValidationError) as exc:
        services.participation_enregistrer(user=user, **_participation_champs(operation,
                                                                              convention=ConventionFactory()))
    assert exc.value.message_dict["convention"] == ["Cette convention n'est pas couverte par l'opération."]
    assert not ParticipationFSE.objects.exists()


def test_a_participant_enters_an_operation_once(user):
    operation = _operation(user)
    premiere = services.participation_enregistrer(user=user, **_participation_champs(operation))
    with pytest.raises(ValidationError) as exc:
        services.participation_enregistrer(user=user, **_participation_champs(
            operation, participant=premiere.participant, date_entree=D(2025, 1, 1)))
    assert exc.value.message_dict["participant"] == ["Ce participant est déjà entré dans cette opération."]
    assert ParticipationFSE.objects.count() == 1
    # ... but may enter another operation
    autre = OperationFSEFactory()
    services.participation_enregistrer(user=user, **_participation_champs(autre, participant=premiere.participant))
    assert ParticipationFSE.objects.count() == 2


def test_unknown_field_is_a_programming_error(user):
    with pytest.raises(TypeError):
        services.operation_enregistrer(user=user, nom="x")
