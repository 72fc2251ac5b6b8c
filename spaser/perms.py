"""Who may read a SPASER. Internal roles read every scheme. A partner user reads only the schemes that cover
its own organisation (a joint scheme), and in them only its own organisation's indicators; any other scheme
is not found (404), like any other buyer's object."""

from django.http import Http404

from core.enums import Role
from core.perms import has_role


def is_partenaire(user) -> bool:
    return has_role(user, Role.PARTENAIRE)


def can_read_spaser(user, spaser) -> bool:
    if is_partenaire(user):
        return user.organisation_id is not None and spaser.acheteurs.filter(pk=user.organisation_id).exists()
    return has_role(user, Role.DCP, Role.ADMIN, Role.ELU, Role.ACHETEUR, Role.FACILITATEUR)


def check_read_spaser(user, spaser):
    if not can_read_spaser(user, spaser):
        raise Http404("SPASER introuvable.")
    return spaser
