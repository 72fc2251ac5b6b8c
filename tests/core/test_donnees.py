"""core.donnees: the data version moves on every business save, or once for a block of bulk writes."""

import pytest
from django.db import transaction

from core.donnees import donnees_modifiees_une_fois, donnees_version
from tests.core.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_save_moves_the_version_but_a_grouped_block_moves_it_once_at_its_end():
    avant = donnees_version()
    OrganisationFactory()
    apres_une = donnees_version()
    assert apres_une > avant

    with donnees_modifiees_une_fois():
        with transaction.atomic():
            for _ in range(5):
                OrganisationFactory()
        with donnees_modifiees_une_fois():  # nested: the outer block moves it
            OrganisationFactory()
        assert donnees_version() == apres_une  # nothing moved inside the block
    assert donnees_version() > apres_une
    fin = donnees_version()
    assert fin - apres_une <= 2  # once (at once and after the commit), not twice per row

    with donnees_modifiees_une_fois():  # a block that writes nothing moves nothing
        pass
    assert donnees_version() == fin
