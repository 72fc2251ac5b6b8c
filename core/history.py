"""Readable history of a business object (django-simple-history records), for detail pages.

Each change reads as a sentence a user understands: « Clause environnementale : Non → Oui » becomes
"Clause environnementale : passe de Non à Oui.", a company is named instead of its id, a choice shows its
label, a many-to-many field says who was added or removed. Technical columns (search text, fingerprints,
timestamps: every field a user cannot edit) are left out, and a modification that changed none of the
fields shown is not listed (a row "Modification —" told nothing)."""

import datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .perms import can_see_history, restricted_organisation
from .templatetags.formats import format_date, format_nombre

ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}
VIDE = object()


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model, field_name):
    field = _field(model, field_name)
    label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else field_name
    return label[:1].upper() + label[1:]


def _visible(field) -> bool:
    if field is None:
        return False
    if isinstance(field, models.DateTimeField | models.DateField) and (field.auto_now or field.auto_now_add):
        return False
    return bool(getattr(field, "editable", True))


def _vide(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


AUTRE_ACHETEUR = "un élément d'un autre acheteur"


def _noms(model, pks, lecteur=None) -> dict:
    """The names of the related objects; for a reader restricted to one buyer (a partner), the objects it may not
    see (a contract moved to another buyer) are not named."""
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return {}
    objets = model._default_manager.filter(pk__in=pks)
    noms = {obj.pk: str(obj) for obj in objets}
    if lecteur is not None and hasattr(objets, "visibles_par") and restricted_organisation(lecteur) is not None:
        visibles = set(objets.visibles_par(lecteur).values_list("pk", flat=True))
        noms = {pk: nom if pk in visibles else AUTRE_ACHETEUR for pk, nom in noms.items()}
    return noms


def _texte(field, value, noms: dict) -> str:
    """One value as a user reads it (never empty: the caller says "vide" for an empty value)."""
    if isinstance(field, models.BooleanField):
        return "Oui" if value else "Non"
    if isinstance(field, models.ForeignKey):
        return noms.get(value, f"n° {value} (supprimé)")
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if value in choices:
        return str(choices[value])
    if isinstance(value, datetime.datetime | datetime.date):
        return format_date(value)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, Decimal | int | float):
        return format_nombre(value)
    if isinstance(value, str) and field is not None and isinstance(field, models.DateField):
        try:
            return format_date(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _m2m_ids(field, value) -> set:
    """simple-history stores a many-to-many field as the list of its through rows ({"convention": 4, "user": 3}):
    the ids of the related objects."""
    cle = field.m2m_reverse_field_name()
    return {row.get(cle) for row in (value or []) if isinstance(row, dict)} - {None}


def _phrase(label, field, avant, apres, noms) -> str | None:
    if isinstance(field, models.ManyToManyField):
        ids_avant, ids_apres = _m2m_ids(field, avant), _m2m_ids(field, apres)
        ajoutes = sorted(noms.get(pk, f"n° {pk}") for pk in ids_apres - ids_avant)
        retires = sorted(noms.get(pk, f"n° {pk}") for pk in ids_avant - ids_apres)
        parties = []
        if ajoutes:
            parties.append(f"ajout de {', '.join(ajoutes)}")
        if retires:
            parties.append(f"retrait de {', '.join(retires)}")
        return f"{label} : {' ; '.join(parties)}." if parties else None
    if isinstance(field, models.BooleanField):
        avant, apres = bool(avant), bool(apres)
        if avant == apres:
            return None
        return f"{label} : passe de {_texte(field, avant, noms)} à {_texte(field, apres, noms)}."
    if _vide(avant) and _vide(apres):
        return None
    if _vide(avant):
        return f"{label} : renseigné « {_texte(field, apres, noms)} »."
    if _vide(apres):
        return f"{label} : effacé (était « {_texte(field, avant, noms)} »)."
    texte_avant, texte_apres = _texte(field, avant, noms), _texte(field, apres, noms)
    if texte_avant == texte_apres:
        return None
    return f"{label} : passe de « {texte_avant} » à « {texte_apres} »."


def historique_pour(obj, user) -> list[dict] | None:
    """The history a page shows `user` (None for a role that sees no history), related objects named only when
    the user may see them."""
    return history_for(obj, lecteur=user) if can_see_history(user) else None


def _phrases(model, deltas: dict, lecteur=None) -> dict:
    """{key: simple-history changes} -> {key: their sentences}, the related objects of every change named in one
    query per related model (a history page costs the same few queries however long it is)."""
    retenus, a_nommer = {}, {}  # a_nommer: related model -> ids to name
    for cle, changes in deltas.items():
        retenus[cle] = []
        for change in changes:
            field = _field(model, change.field)
            if not _visible(field):
                continue
            retenus[cle].append((field, change))
            if isinstance(field, models.ForeignKey):
                a_nommer.setdefault(field.related_model, set()).update({change.old, change.new})
            elif isinstance(field, models.ManyToManyField):
                a_nommer.setdefault(field.related_model, set()).update(
                    _m2m_ids(field, change.old) | _m2m_ids(field, change.new))
    noms = {related: _noms(related, pks, lecteur) for related, pks in a_nommer.items()}
    return {
        cle: [phrase for field, change in changes
              if (phrase := _phrase(_label(model, change.field), field, change.old, change.new,
                                    noms.get(getattr(field, "related_model", None), {})))]
        for cle, changes in retenus.items()
    }


def history_for(obj, limit: int = 50, *, lecteur=None) -> list[dict]:
    """Newest first: date, author, action, reason and the changed fields as sentences (`changements`)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    deltas = {
        record.pk: record.diff_against(previous).changes
        for record, previous in zip(records[:limit], records[1:], strict=False)
        if record.history_type == "~"
    }
    phrases = _phrases(type(obj), deltas, lecteur)
    rows = []
    for record in records[:limit]:
        changements = phrases.get(record.pk, [])
        if record.history_type == "~" and not changements:
            continue  # nothing a user can read changed (derived or technical columns only)
        rows.append(
            {
                "date": record.history_date,
                "auteur": record.history_user or "système (import ou commande)",
                "action": ACTIONS.get(record.history_type, record.history_type),
                "motif": record.history_change_reason or "",
                "changements": changements,
            }
        )
    return rows


def phrases_par_version(model, records) -> list[list[str]]:
    """For the administration's history page (records newest first): the sentences of each record's change from
    the record after it (none for the oldest), related objects read in batches as in history_for."""
    deltas = {index: record.diff_against(previous).changes
              for index, (record, previous) in enumerate(zip(records, records[1:], strict=False))}
    return list(_phrases(model, deltas).values())
