"""Who may read and write contracts and companies. Plain functions, checked server-side by every view.

- dcp, admin: read and edit every contract;
- acheteur: read every contract, create, edit only those of their own direction (others: 403);
- facilitateur, elu: read every contract;
- partenaire: read only its own organisation's contracts (others: 404), never edit.
"""

from core.enums import Role
from core.perms import has_role

EDITEURS = (Role.ACHETEUR, Role.DCP, Role.ADMIN)
GESTIONNAIRES = (Role.DCP, Role.ADMIN)  # imports, thresholds


def can_create_marche(user) -> bool:
    return has_role(user, *EDITEURS)


def can_edit_marche(user, marche) -> bool:
    if has_role(user, *GESTIONNAIRES):
        return True
    if has_role(user, Role.ACHETEUR):
        return user.direction_id is not None and marche.direction_id == user.direction_id
    return False


def can_edit_entreprise(user) -> bool:
    return has_role(user, Role.ACHETEUR, Role.DCP, Role.ADMIN, Role.FACILITATEUR)


def can_import(user) -> bool:
    return has_role(user, *GESTIONNAIRES)
