from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .enums import TypeNotification
from .services import TYPES_DU_ROLE


class PreferencesForm(forms.Form):
    def __init__(self, *args, user, actuelles: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for type_ in TYPES_DU_ROLE.get(user.role, []):
            self.fields[type_.value] = forms.BooleanField(
                label=TypeNotification(type_).label, required=False, initial=actuelles.get(type_.value, True))
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer mes préférences"))
