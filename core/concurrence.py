"""Optimistic locking: a user who saves a form is told when someone else changed the record since the form
was opened, instead of silently overwriting that change.

- The form mixes in `VersionFormMixin`: a hidden field `version` carries the record's version when the form
  was opened (`version_actuelle`: its `updated_at`, or its latest history row for models without one).
- The service takes that version and calls `version_verifier(instance, version)` in its transaction, before
  saving: the row is locked, and `ConflitModification` is raised if its version changed.
- The view catches `ConflitModification` and calls `form.signaler_conflit(conflit)`: the form is shown again
  with the user's input, a message naming who changed what and when, and the current version, so that a
  second, deliberate submit saves.
"""

import datetime

from django import forms
from django.utils import timezone

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
ECART_HISTORIQUE = datetime.timedelta(seconds=2)


def _has_updated_at(model) -> bool:
    return any(f.name == "updated_at" for f in model._meta.concrete_fields)


def _version_de(model, updated_at=None, history_id=None) -> str:
    if _has_updated_at(model):
        return str((updated_at - EPOCH) // datetime.timedelta(microseconds=1)) if updated_at else ""
    return f"h{history_id}" if history_id else ""


def version_actuelle(instance) -> str:
    """The version of `instance` as stored in the database ("" when it has none yet)."""
    model = type(instance)
    if not instance.pk:
        return ""
    if _has_updated_at(model):
        updated_at = (
            model._default_manager.filter(pk=instance.pk).values_list("updated_at", flat=True).first()
        )
        return _version_de(model, updated_at=updated_at)
    history_id = instance.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return _version_de(model, history_id=history_id)


class ConflitModification(Exception):
    """The record changed (or was deleted) since the user opened the form."""

    def __init__(self, message: str, *, version: str = "", champs=()):
        super().__init__(message)
        self.message = message
        self.version = version
        self.champs = list(champs)


def _auteur(record) -> str:
    user = getattr(record, "history_user", None)
    if user is None:
        return "un traitement automatique"
    return user.get_full_name() or user.get_username()


def _le(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")


def _champs_modifies(model, vue, actuelle) -> list[str]:
    """Labels of the editable fields that differ between two history rows."""
    if vue is None or actuelle is None:
        return []
    ignores = {"id", "updated_at", "created_at"}
    return [
        str(f.verbose_name)
        for f in model._meta.concrete_fields
        if f.editable
        and f.name not in ignores
        and getattr(vue, f.attname, None) != getattr(actuelle, f.attname, None)
    ]


def _entier(texte: str) -> int | None:
    """A version read back from a form: digits of a sane length, else None (a tampered field is a conflict)."""
    return int(texte) if texte.isdigit() and len(texte) <= 17 else None


def version_verifier(instance, version_vue: str | None, *, libelle: str = "") -> None:
    """Lock `instance`'s row and raise ConflitModification if its version is no longer `version_vue`.
    Call it inside the service's transaction, before saving. No check for a new record or without a version
    (commands, imports, internal saves)."""
    if not instance.pk or not version_vue:
        return
    model = type(instance)
    libelle = libelle or f"Cet enregistrement ({model._meta.verbose_name})"
    row = model._default_manager.select_for_update().filter(pk=instance.pk).values("pk").first()
    if row is None:
        raise ConflitModification(f"{libelle} a été supprimé depuis que vous avez ouvert la page.")
    actuelle = version_actuelle(instance)
    if actuelle == version_vue:
        return
    historique = instance.history.order_by("-history_id")
    derniere = historique.first()
    if _has_updated_at(model):
        updated_at = (
            model._default_manager.filter(pk=instance.pk).values_list("updated_at", flat=True).first()
        )
        micro = _entier(version_vue)
        vue = (
            historique.filter(updated_at=EPOCH + datetime.timedelta(microseconds=micro)).first()
            if micro
            else None
        )
        if derniere is not None and abs(derniere.history_date - updated_at) <= ECART_HISTORIQUE:
            qui, quand = _auteur(derniere), derniere.history_date
        else:  # a bulk write (import) changed the row without a history row
            qui, quand, derniere = "un import", updated_at, None
    else:
        vue = (
            historique.filter(history_id=_entier(version_vue[1:])).first()
            if _entier(version_vue[1:])
            else None
        )
        qui, quand = _auteur(derniere), derniere.history_date if derniere else timezone.now()
    champs = _champs_modifies(model, vue, derniere)
    message = f"{libelle} a été modifié par {qui} le {_le(quand)} depuis que vous avez ouvert la page."
    if champs:
        message += " Champs modifiés entre-temps : " + ", ".join(champs) + "."
    message += (
        " Votre saisie est conservée ci-dessous : vérifiez-la au regard de ces changements, puis enregistrez "
        "de nouveau pour la confirmer."
    )
    raise ConflitModification(message, version=actuelle, champs=champs)


class VersionFormMixin:
    """For a ModelForm: a hidden `version` field holding the record's version when the form was opened.
    Add "version" to the form's crispy layout if it has one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk:
            self.initial["version"] = version_actuelle(self.instance)

    def version_vue(self) -> str:
        return (self.cleaned_data.get("version") or "").strip()

    def signaler_conflit(self, conflit: ConflitModification) -> None:
        """Show the conflict on the form; the user's input is kept, the version becomes the current one."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = conflit.version
        self.add_error(None, conflit.message)
