from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.password_validation import validate_password

from .enums import Role
from .models import Direction, Organisation, User
from .utils import siret_error


class OrganisationForm(forms.ModelForm):
    siret = forms.CharField(label="SIRET", max_length=20, help_text="14 chiffres, espaces acceptés.")

    class Meta:
        model = Organisation
        fields = ["siret", "nom", "code_postal", "type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer"))

    def clean_siret(self):
        siret = "".join(self.cleaned_data["siret"].split())
        error = siret_error(siret)
        if error:
            raise forms.ValidationError(error)
        return siret

    def clean_code_postal(self):
        code = self.cleaned_data["code_postal"].strip()
        if code and (len(code) != 5 or not code.isdigit()):
            raise forms.ValidationError("Le code postal compte 5 chiffres.")
        return code


class DirectionForm(forms.ModelForm):
    class Meta:
        model = Direction
        fields = ["nom", "sigle"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class UserForm(forms.ModelForm):
    password = forms.CharField(
        label="Mot de passe", widget=forms.PasswordInput(render_value=False), required=False,
        help_text="Laisser vide pour ne pas le changer.",
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "organisation", "direction", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].queryset = Direction.objects.select_related("organisation")
        self.fields["organisation"].queryset = Organisation.objects.order_by("nom")
        if not self.instance.pk:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer"))

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(password)
        return password

    def clean(self):
        data = super().clean()
        role, organisation, direction = data.get("role"), data.get("organisation"), data.get("direction")
        if role == Role.PARTENAIRE and (organisation is None or organisation.is_instance):
            self.add_error("organisation", "Un partenaire est rattaché à l'organisation partenaire qu'il représente.")
        if direction is not None and organisation is not None and direction.organisation_id != organisation.pk:
            self.add_error("direction", "Cette direction n'appartient pas à l'organisation choisie.")
        return data
