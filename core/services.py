"""Writes on organisations, directions and users. Each write is recorded by django-simple-history
with the acting user (from the request, or passed explicitly by commands and tasks)."""

from django.db import transaction

from .models import Direction, Organisation, User


def record_author(obj, *, user=None, reason: str = ""):
    """Tell simple-history who makes the next save() of `obj` and why (outside a request)."""
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user
    if reason:
        obj._change_reason = reason
    return obj


@transaction.atomic
def organisation_save(*, organisation: Organisation, user=None, reason: str = "") -> Organisation:
    record_author(organisation, user=user, reason=reason)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_get_or_create_from_siret(*, siret: str, nom: str = "", code_postal: str = "", user=None):
    """Buyers known only from open data are created from their SIRET."""
    organisation = Organisation.objects.filter(siret=siret).first()
    if organisation is not None:
        return organisation, False
    organisation = Organisation(siret=siret, nom=nom or f"Acheteur {siret}", code_postal=code_postal or "")
    record_author(organisation, user=user, reason="Créé à l'import")
    organisation.save()
    return organisation, True


@transaction.atomic
def direction_save(*, direction: Direction, user=None) -> Direction:
    record_author(direction, user=user)
    direction.full_clean()
    direction.save()
    return direction


@transaction.atomic
def user_save(*, target: User, user=None, password: str | None = None) -> User:
    if password:
        target.set_password(password)
    record_author(target, user=user)
    target.save()
    return target
