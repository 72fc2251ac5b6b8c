"""Who may do what. Plain functions, checked server-side by every view (see RoleRequiredMixin)."""

from .enums import Role

# The buyers' side: every role but a company's contact (role `entreprise`), who sees only its own company's
# clause contracts and declarations (the `declarations` app), never a buyer's page.
ALL_ROLES = tuple(role for role in Role.values if role != Role.ENTREPRISE)
# Roles that read the whole instance (every buyer): internal staff and elected members.
INTERNAL_ROLES = (Role.ACHETEUR, Role.DCP, Role.FACILITATEUR, Role.ELU, Role.ADMIN)


def has_role(user, *roles) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def can_see_identite(user) -> bool:
    """Participants' identities: facilitators and administrators only."""
    return has_role(user, Role.FACILITATEUR, Role.ADMIN)


def can_manage_users(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_see_tache(user, tache) -> bool:
    """A background job is followed by who asked for it; an administrator follows every one."""
    return user.role == Role.ADMIN or tache.demandee_par_id == user.pk


def can_see_history(user) -> bool:
    return has_role(user, Role.DCP, Role.ADMIN, Role.ACHETEUR, Role.FACILITATEUR, Role.PARTENAIRE)


def restricted_organisation(user):
    """The only organisation a partner user may see; None for roles that see every buyer."""
    if has_role(user, Role.PARTENAIRE):
        return user.organisation
    return None


def can_see_organisation(user, organisation) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.role == Role.PARTENAIRE:
        return organisation is not None and user.organisation_id == organisation.pk
    return True
