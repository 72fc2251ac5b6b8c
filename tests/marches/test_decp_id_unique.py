"""The published DECP id names one contract of its buyer: the database refuses a second one, so the DECP and
register imports, which find a contract by it, can never match two."""

import pytest
from django.db import IntegrityError, transaction

from tests.core.factories import OrganisationFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


def test_a_buyer_cannot_publish_two_contracts_under_one_id():
    acheteur = OrganisationFactory()
    MarcheFactory(acheteur=acheteur, identifiant="A-1", decp_id="PUB-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        MarcheFactory(acheteur=acheteur, identifiant="A-2", decp_id="PUB-1")


def test_the_same_id_is_free_for_another_buyer_and_an_empty_id_is_not_an_id():
    acheteur, autre = OrganisationFactory(), OrganisationFactory()
    MarcheFactory(acheteur=acheteur, identifiant="A-1", decp_id="PUB-1")
    MarcheFactory(acheteur=autre, identifiant="A-1", decp_id="PUB-1")
    MarcheFactory(acheteur=acheteur, identifiant="A-2", decp_id="")
    MarcheFactory(acheteur=acheteur, identifiant="A-3", decp_id="")
