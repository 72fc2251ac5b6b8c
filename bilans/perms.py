"""Who may see and ask for bilans. Everyone reads dashboards (a partner only its own organisation's figures);
the DCP and administrators ask for a bilan of any buyer, a partner for its own organisation or convention."""

from core.enums import Role
from core.perms import has_role

ROLES_DEMANDE = (Role.DCP, Role.ADMIN, Role.PARTENAIRE)


def can_ask_bilan(user) -> bool:
    return has_role(user, *ROLES_DEMANDE)


def can_ask_bilan_for(user, acheteur) -> bool:
    if not can_ask_bilan(user):
        return False
    if user.role == Role.PARTENAIRE:
        return acheteur is not None and acheteur.pk == user.organisation_id
    return True
