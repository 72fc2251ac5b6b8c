"""Writes on organisations, directions and users. Each write is recorded by django-simple-history
with the acting user (from the request, or passed explicitly by commands and tasks)."""

from django.db import connection, transaction
from django.utils import timezone

from .models import Direction, Organisation, User
from .utils import chunks


def auteur_noter(obj, *, user=None, reason: str = ""):
    """Tell simple-history who makes the next save() of `obj` and why (outside a request)."""
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user
    if reason:
        obj._change_reason = reason
    return obj


def historique_copier(*, model, pks, update: bool, user=None, raison: str = "") -> None:
    """The history rows (django-simple-history's table) of rows written in bulk (bulk_create, COPY, UPDATE),
    copied by the database itself: INSERT … SELECT of the tracked columns as stored, with when, who and why
    (`update`: "~" modified, else "+" created). One statement per 2,000 rows. Not simple-history's
    `bulk_history_create`: it builds every row in Python and, on SQLite, inserts them one statement each, so an
    export assigning ids to 30 contracts made 30 queries where this makes one."""
    historique = model.history.model
    quote = connection.ops.quote_name
    colonnes = ", ".join(quote(f.column) for f in historique.tracked_fields)
    auteur = user.pk if getattr(user, "is_authenticated", False) else None
    now = timezone.now()
    with connection.cursor() as cursor:
        for chunk in chunks(list(pks)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(historique._meta.db_table)} ({colonnes}, history_date, history_change_reason, "  # noqa: S608
                f"history_type, history_user_id) SELECT {colonnes}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({marks})",
                [now, raison, "~" if update else "+", auteur, *chunk])


@transaction.atomic
def organisation_enregistrer(*, organisation: Organisation, user=None, reason: str = "") -> Organisation:
    auteur_noter(organisation, user=user, reason=reason)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_obtenir_ou_creer_par_siret(*, siret: str, nom: str = "", code_postal: str = "", user=None):
    """Buyers known only from open data are created from their SIRET."""
    organisation = Organisation.objects.filter(siret=siret).first()
    if organisation is not None:
        return organisation, False
    organisation = Organisation(siret=siret, nom=nom or f"Acheteur {siret}", code_postal=code_postal or "")
    auteur_noter(organisation, user=user, reason="Créé à l'import")
    organisation.save()
    return organisation, True


@transaction.atomic
def direction_enregistrer(*, direction: Direction, user=None) -> Direction:
    auteur_noter(direction, user=user)
    direction.full_clean()
    direction.save()
    return direction


@transaction.atomic
def user_enregistrer(*, target: User, user=None, password: str | None = None) -> User:
    if password:
        target.set_password(password)
    auteur_noter(target, user=user)
    target.save()
    return target
