"""Who may give the facilitator's opinion: the facilitators serving the buyer (the instance's own organisation, a
partner of a signed convention naming them) and the administrator, while the DCP has not decided."""

import pytest

from core.enums import Role
from examens.perms import can_give_avis
from facilitateurs.enums import StatutConvention
from tests.core.factories import OrganisationFactory, UserFactory
from tests.examens.factories import ExamenFactory, MarchePreparationFactory
from tests.facilitateurs.factories import ConventionFactory

pytestmark = pytest.mark.django_db


def _examen(acheteur, **kwargs):
    return ExamenFactory(marche=MarchePreparationFactory(acheteur=acheteur), **kwargs)


def test_facilitators_give_their_opinion_on_the_buyers_they_serve():
    instance = OrganisationFactory(instance=True)
    partenaire = OrganisationFactory(partenaire=True)
    facilitateur = UserFactory(role=Role.FACILITATEUR, organisation=instance)
    collegue = UserFactory(role=Role.FACILITATEUR, organisation=instance)
    chez_instance, chez_partenaire = _examen(instance), _examen(partenaire, a_decider=True)
    assert can_give_avis(facilitateur, chez_instance)  # at the opinion step
    assert can_give_avis(facilitateur, _examen(instance, a_decider=True))  # revised until the DCP decides
    assert not can_give_avis(facilitateur, _examen(instance, a_lancer=True))
    assert not can_give_avis(facilitateur, chez_partenaire)  # no convention
    ConventionFactory(partenaire=partenaire, statut=StatutConvention.BROUILLON).facilitateurs.add(facilitateur)
    assert not can_give_avis(facilitateur, chez_partenaire)  # a convention not signed
    ConventionFactory(partenaire=partenaire, statut=StatutConvention.SIGNEE).facilitateurs.add(collegue)
    assert not can_give_avis(facilitateur, chez_partenaire)  # signed, naming someone else
    assert can_give_avis(collegue, chez_partenaire)
    assert not can_give_avis(collegue, _examen(OrganisationFactory(partenaire=True)))  # another partner
    assert not can_give_avis(UserFactory(role=Role.DCP, organisation=instance), chez_instance)
    assert can_give_avis(UserFactory(role=Role.ADMIN), chez_partenaire)
