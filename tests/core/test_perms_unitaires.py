"""Unit tests of every app's access functions (core/marches/clauses/bilans/spaser perms.py), role by role.

Each function is checked against the full list of roles, plus an inactive and an anonymous user, so that adding
or dropping a role, or a condition, fails here (issue 20). Users and contracts are unsaved objects except where
the rule itself queries the database."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from bilans import perms as bilans_perms
from clauses import perms as clauses_perms
from core import perms as core_perms
from core.enums import Role
from core.models import Organisation, User
from marches import perms as marches_perms
from marches.models import Marche
from spaser import perms as spaser_perms

ROLES = list(Role)


def user(role, **kw) -> User:
    return User(role=role, is_active=kw.pop("is_active", True), **kw)


def allowed(fn, *args) -> set:
    return {role for role in ROLES if fn(user(role), *args)}


@pytest.mark.parametrize("fn,roles", [
    (core_perms.can_see_identite, {Role.FACILITATEUR, Role.ADMIN}),
    (core_perms.can_manage_users, {Role.ADMIN}),
    (core_perms.can_see_history, {Role.DCP, Role.ADMIN, Role.ACHETEUR, Role.FACILITATEUR, Role.PARTENAIRE}),
    (marches_perms.can_create_marche, {Role.ACHETEUR, Role.DCP, Role.ADMIN}),
    (marches_perms.can_edit_entreprise, {Role.ACHETEUR, Role.DCP, Role.ADMIN, Role.FACILITATEUR}),
    (marches_perms.can_import, {Role.DCP, Role.ADMIN}),
    (clauses_perms.can_manage_referentiel, {Role.DCP, Role.ADMIN}),
    (bilans_perms.can_ask_bilan, {Role.DCP, Role.ADMIN, Role.PARTENAIRE}),
    (spaser_perms.is_partenaire, {Role.PARTENAIRE}),
], ids=lambda v: getattr(v, "__qualname__", ""))
def test_roles_allowed_and_nobody_else(fn, roles):
    assert allowed(fn) == roles
    for role in roles:
        assert fn(user(role)) is True
        assert fn(user(role, is_active=False)) is False
    assert fn(AnonymousUser()) is False
    assert fn(None) is False


def test_has_role_needs_an_active_authenticated_user_with_one_of_the_roles():
    assert core_perms.has_role(user(Role.DCP), Role.DCP, Role.ADMIN) is True
    assert core_perms.has_role(user(Role.DCP), Role.ADMIN) is False
    assert core_perms.has_role(user(Role.DCP)) is False
    assert core_perms.has_role(user(Role.DCP, is_active=False), Role.DCP) is False
    assert core_perms.has_role(AnonymousUser(), *ROLES) is False
    assert core_perms.has_role(None, *ROLES) is False


def test_restricted_organisation_only_for_partners():
    organisation = Organisation(pk=7, nom="Office HLM")
    assert core_perms.restricted_organisation(user(Role.PARTENAIRE, organisation=organisation)) is organisation
    for role in set(ROLES) - {Role.PARTENAIRE}:
        assert core_perms.restricted_organisation(user(role, organisation=organisation)) is None
    assert core_perms.restricted_organisation(user(Role.PARTENAIRE, organisation=organisation,
                                                   is_active=False)) is None


def test_can_see_organisation():
    mine, other = Organisation(pk=7), Organisation(pk=8)
    partner = user(Role.PARTENAIRE, organisation_id=7)
    assert core_perms.can_see_organisation(partner, mine) is True
    assert core_perms.can_see_organisation(partner, other) is False
    assert core_perms.can_see_organisation(partner, None) is False
    assert core_perms.can_see_organisation(user(Role.PARTENAIRE, organisation_id=None), None) is False
    for role in set(ROLES) - {Role.PARTENAIRE}:
        assert core_perms.can_see_organisation(user(role), other) is True
        assert core_perms.can_see_organisation(user(role, is_active=False), other) is False
    assert core_perms.can_see_organisation(AnonymousUser(), mine) is False
    assert core_perms.can_see_organisation(None, mine) is False


# --- Contracts and their clauses: a buyer edits only its own direction's ----------------------------------

EDITION = [(marches_perms.can_edit_marche, "marches"), (clauses_perms.can_edit_clauses, "clauses")]


@pytest.mark.parametrize("fn,_", EDITION)
def test_a_buyer_without_direction_edits_no_contract_not_even_one_without_direction(fn, _):
    assert fn(user(Role.ACHETEUR, direction_id=None), Marche(direction_id=None)) is False
    assert fn(user(Role.ACHETEUR, direction_id=None), Marche(direction_id=3)) is False


@pytest.mark.parametrize("fn,_", EDITION)
def test_a_buyer_edits_its_own_direction_only(fn, _):
    assert fn(user(Role.ACHETEUR, direction_id=3), Marche(direction_id=3)) is True
    assert fn(user(Role.ACHETEUR, direction_id=3), Marche(direction_id=4)) is False
    assert fn(user(Role.ACHETEUR, direction_id=3), Marche(direction_id=None)) is False
    assert fn(user(Role.ACHETEUR, direction_id=3, is_active=False), Marche(direction_id=3)) is False


@pytest.mark.parametrize("fn,_", EDITION)
def test_dcp_and_admin_edit_every_contract_and_the_others_none(fn, _):
    for marche in (Marche(direction_id=None), Marche(direction_id=3)):
        assert {role for role in ROLES if fn(user(role, direction_id=3), marche)} == (
            {Role.DCP, Role.ADMIN, Role.ACHETEUR} if marche.direction_id == 3 else {Role.DCP, Role.ADMIN})
    assert fn(AnonymousUser(), Marche(direction_id=3)) is False


@pytest.mark.django_db
def test_a_buyer_without_direction_gets_403_on_a_contract_without_direction(client):
    from tests.core.factories import UserFactory
    from tests.marches.factories import MarcheFactory

    marche = MarcheFactory(direction=None, objet="Entretien des espaces verts")
    client.force_login(UserFactory(role=Role.ACHETEUR, direction=None))
    assert client.get(f"/marches/{marche.pk}/modifier/").status_code == 403
    response = client.post(f"/marches/{marche.pk}/modifier/", {"objet": "Modifié"})
    assert response.status_code == 403
    marche.refresh_from_db()
    assert marche.objet == "Entretien des espaces verts"
    detail = client.get(f"/marches/{marche.pk}/")
    assert detail.status_code == 200 and detail.context["can_edit"] is False


# --- Bilans: a partner only for its own organisation ---------------------------------------------------------

def test_can_ask_bilan_for():
    mine, other = Organisation(pk=7), Organisation(pk=8)
    partner = user(Role.PARTENAIRE, organisation_id=7)
    assert bilans_perms.can_ask_bilan_for(partner, mine) is True
    assert bilans_perms.can_ask_bilan_for(partner, other) is False
    assert bilans_perms.can_ask_bilan_for(partner, None) is False
    for role in (Role.DCP, Role.ADMIN):
        assert bilans_perms.can_ask_bilan_for(user(role), other) is True
        assert bilans_perms.can_ask_bilan_for(user(role), None) is True
    for role in (Role.ACHETEUR, Role.FACILITATEUR, Role.ELU):
        assert bilans_perms.can_ask_bilan_for(user(role), mine) is False
    assert bilans_perms.can_ask_bilan_for(user(Role.PARTENAIRE, organisation_id=7, is_active=False), mine) is False
    assert bilans_perms.can_ask_bilan_for(AnonymousUser(), mine) is False


# --- SPASER: partners read only the schemes that cover them -----------------------------------------------------

@pytest.mark.django_db
def test_can_read_spaser():
    from tests.core.factories import OrganisationFactory
    from tests.spaser.factories import SpaserFactory

    landes, hlm, ville = OrganisationFactory(instance=True), OrganisationFactory(partenaire=True), \
        OrganisationFactory(partenaire=True)
    commun = SpaserFactory(acheteurs=[landes, hlm])
    internal = {Role.DCP, Role.ADMIN, Role.ELU, Role.ACHETEUR, Role.FACILITATEUR}
    assert {r for r in ROLES if r != Role.PARTENAIRE and spaser_perms.can_read_spaser(user(r), commun)} == internal
    assert spaser_perms.can_read_spaser(user(Role.PARTENAIRE, organisation_id=hlm.pk), commun) is True
    assert spaser_perms.can_read_spaser(user(Role.PARTENAIRE, organisation_id=ville.pk), commun) is False
    assert spaser_perms.can_read_spaser(user(Role.PARTENAIRE, organisation_id=None), commun) is False
    assert spaser_perms.can_read_spaser(user(Role.DCP, is_active=False), commun) is False
    assert spaser_perms.check_read_spaser(user(Role.PARTENAIRE, organisation_id=hlm.pk), commun) is commun
    with pytest.raises(Http404):
        spaser_perms.check_read_spaser(user(Role.PARTENAIRE, organisation_id=ville.pk), commun)


def test_a_job_is_followed_by_who_asked_for_it_and_by_administrators():
    from core.models import Tache

    demandeur, autre = User(pk=1, role=Role.DCP), User(pk=2, role=Role.DCP)
    tache = Tache(demandee_par_id=1)
    assert core_perms.can_see_tache(demandeur, tache)
    assert not core_perms.can_see_tache(autre, tache)
    assert core_perms.can_see_tache(User(pk=3, role=Role.ADMIN), tache)
    assert not core_perms.can_see_tache(autre, Tache(demandee_par_id=None))  # a job nobody asked for (beat)
