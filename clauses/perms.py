"""Who may read and write the clause referential and the clauses of a contract."""

from core.enums import Role
from core.perms import has_role

# The referential (families, clausier, self-diagnosis) is internal: partners see only their contracts' clauses.
LECTURE_REFERENTIEL = (Role.ACHETEUR, Role.DCP, Role.FACILITATEUR, Role.ELU, Role.ADMIN)
GESTION_REFERENTIEL = (Role.DCP, Role.ADMIN)


def can_manage_referentiel(user) -> bool:
    return has_role(user, *GESTION_REFERENTIEL)


def can_edit_clauses(user, marche) -> bool:
    """DCP and administrators on every contract; a buyer on the contracts of their own direction."""
    if has_role(user, *GESTION_REFERENTIEL):
        return True
    if has_role(user, Role.ACHETEUR):
        return bool(user.direction_id and marche.direction_id == user.direction_id)
    return False
