"""Who may do what with companies' contacts and declarations (checked server-side by every view)."""

from core.enums import Role
from core.perms import has_role

VALIDATION = (Role.FACILITATEUR, Role.ADMIN)


def can_valider(user) -> bool:
    """Invite contacts, validate or send back declarations, read every proof: facilitators and administrators."""
    return has_role(user, *VALIDATION)


def entreprise_du_contact(user):
    """The company of an active contact (role `entreprise`), else None."""
    if not has_role(user, Role.ENTREPRISE):
        return None
    contact = getattr(user, "contact_entreprise", None)
    return contact.entreprise if contact is not None else None


def can_voir_entreprise(user, entreprise_id) -> bool:
    """A company's declarations, proofs and attestations: the facilitators, or a contact of that very company."""
    if can_valider(user):
        return True
    entreprise = entreprise_du_contact(user)
    return entreprise is not None and entreprise.pk == entreprise_id
