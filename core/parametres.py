"""Query-string parameters read through a form: one place where a value of the URL becomes a Python value.

`str.isdigit()` is true for "²" or "٣" that `int()` refuses or reads, and an id of 20 digits passes every
integer column (a 500 on SQLite, a silently empty answer elsewhere): a view never converts request.GET itself.
It declares a ParametresForm (fields with their bounds) and reads `parametres_lire(FormClass, request.GET)`:
the valid values, cleaned; an invalid one is left out (the page shows the unfiltered list), never a 500."""

from django import forms

ID_MAX = 2_147_483_647  # the largest id of an integer column on every database; beyond, no object has it


class IdField(forms.IntegerField):
    """An object id: ASCII digits only, 1..ID_MAX."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)

    def to_python(self, value):
        value = str(value or "").strip()
        if value and not (value.isascii() and value.isdigit()):
            raise forms.ValidationError("Identifiant invalide.", code="invalid")
        return super().to_python(value)


class AnneeField(forms.IntegerField):
    """A year: four ASCII digits, 1990..2100 by default."""

    def __init__(self, *, min_value=1990, max_value=2100, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        value = str(value or "").strip()
        if value and not (value.isascii() and value.isdigit() and len(value) == 4):
            raise forms.ValidationError("Année invalide.", code="invalid")
        return super().to_python(value)


class ParametresForm(forms.Form):
    """Base of the query-string forms: every field optional."""


def parametres_lire(form_class, data, **kwargs) -> dict:
    """The valid parameters of `data` (a QueryDict) as cleaned by `form_class`; an invalid one is absent."""
    form = form_class(data, **kwargs)
    form.is_valid()
    return {nom: valeur for nom, valeur in form.cleaned_data.items() if nom not in form.errors}
