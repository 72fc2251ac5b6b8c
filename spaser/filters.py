"""The forecast lists' filters (public and internal pages, their CSV/XLSX exports), read from the query string
through a form (core.parametres): an invalid value is left out, never a 500."""

import re
from decimal import Decimal, InvalidOperation

from django import forms

from core.parametres import IdField, ParametresForm
from core.utils import decimal_fr

TRIMESTRE = re.compile(r"(?:\d{4}-T)?[1-4]", re.ASCII)


class MontantField(forms.CharField):
    """An amount as a French user types it ("1 000,50"): a finite non-negative Decimal below 10^13."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            number = decimal_fr(value)
        except InvalidOperation as exc:
            raise forms.ValidationError("Montant invalide.", code="invalid") from exc
        if not 0 <= number < Decimal("1e13"):
            raise forms.ValidationError("Montant invalide.", code="invalid")
        return number


class ProgrammationFiltresForm(ParametresForm):
    famille = IdField()
    trimestre = forms.CharField(required=False)  # "2026-T3" or "3"
    montant_min = MontantField(required=False)
    montant_max = MontantField(required=False)
    q = forms.CharField(required=False)

    def clean_trimestre(self):
        trimestre = self.cleaned_data["trimestre"].upper()
        if trimestre and not TRIMESTRE.fullmatch(trimestre):
            raise forms.ValidationError("Trimestre invalide.", code="invalid")
        return trimestre

    def clean_q(self):
        return self.cleaned_data["q"][:200]
