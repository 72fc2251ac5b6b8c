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


def test_logging_in_and_out_moves_no_version_a_write_request_does(client):
    """A log-in saves the user (last_login) and is a POST: neither makes the stored figures stale; a successful
    POST of any other view does (imports write in bulk, without signals)."""
    from django.urls import reverse

    from core.enums import Role
    from tests.core.factories import UserFactory

    UserFactory(username="lecteur", role=Role.ELU, organisation=OrganisationFactory())
    admin = UserFactory(role=Role.ADMIN)
    avant = donnees_version()
    reponse = client.post(reverse("login"), {"username": "lecteur", "password": "demo"})
    assert reponse.status_code == 302 and "_auth_user_id" in client.session
    assert client.post(reverse("logout")).status_code == 302
    assert donnees_version() == avant
    client.force_login(admin)
    assert client.post(reverse("core:verifier_worker")).status_code == 302
    assert donnees_version() > avant
