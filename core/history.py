"""Readable history of a business object (django-simple-history records), for detail pages."""

from django.core.exceptions import FieldDoesNotExist

ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}


def _label(model, field_name):
    try:
        return str(model._meta.get_field(field_name).verbose_name)
    except FieldDoesNotExist:
        return field_name


def history_for(obj, limit: int = 50) -> list[dict]:
    """Newest first: date, author, action and the changed fields with old and new values."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    model = type(obj)
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [
                {"champ": _label(model, change.field), "avant": change.old, "apres": change.new}
                for change in delta.changes
            ]
        rows.append(
            {
                "date": record.history_date,
                "auteur": record.history_user or "système (import ou commande)",
                "action": ACTIONS.get(record.history_type, record.history_type),
                "motif": record.history_change_reason or "",
                "changements": changes,
            }
        )
    return rows
