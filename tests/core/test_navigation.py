"""The navigation bar shows a role exactly the sections the permission matrix opens to it."""

import pytest

from core.enums import Role
from core.navigation import MENU, menu_for
from tests.access import load_access

RULES, _ = load_access()


@pytest.mark.parametrize(("label", "url_name", "roles"), MENU)
def test_menu_entry_matches_the_permission_matrix(label, url_name, roles):
    rule = RULES[url_name]
    opened = {role for role in Role.values if rule.expected[role] == 200}
    assert set(roles) == opened, f"{label}: menu for {sorted(roles)}, pages open to {sorted(opened)}"


@pytest.mark.django_db
def test_every_entry_of_a_menu_opens(client):
    from tests.core.factories import OrganisationFactory, UserFactory

    instance = OrganisationFactory(instance=True)
    partenaire = OrganisationFactory(partenaire=True)
    for role in Role.values:
        user = UserFactory(role=role, organisation=partenaire if role == Role.PARTENAIRE else instance)
        client.force_login(user)
        for item in menu_for(user):
            assert client.get(item["url"]).status_code == 200, (role, item["name"])
