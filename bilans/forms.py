from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone

from clauses.models import FamilleAchat
from core.enums import Role, TypeOrganisation
from core.models import Direction, Organisation
from facilitateurs.models import Convention


def annee_courante() -> int:
    return timezone.localdate().year


class PerimetreForm(forms.Form):
    """Scope of a dashboard or a bilan. A partner user is locked to its own organisation (and conventions)."""

    # No empty choice: the list opens on the instance's own organisation, named ("Département des Landes").
    acheteur = forms.ModelChoiceField(label="Acheteur", queryset=Organisation.objects.none(), required=False,
                                      empty_label=None)
    annee = forms.IntegerField(label="Année", min_value=2000, max_value=2100, required=False)
    direction = forms.ModelChoiceField(label="Direction", queryset=Direction.objects.none(), required=False,
                                       empty_label="Toutes les directions")
    famille = forms.ModelChoiceField(label="Famille d'achat", queryset=FamilleAchat.objects.none(), required=False,
                                     empty_label="Toutes les familles")
    convention = forms.ModelChoiceField(label="Convention", queryset=Convention.objects.none(), required=False,
                                        empty_label="Tous les marchés (sans restriction à une convention)")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.partenaire = user.role == Role.PARTENAIRE
        if self.partenaire:
            self.fields["acheteur"].queryset = Organisation.objects.filter(pk=user.organisation_id)
            self.fields["acheteur"].disabled = True
            self.fields["acheteur"].empty_label = None
            self.fields["acheteur"].initial = user.organisation_id
            self.fields["convention"].queryset = Convention.objects.filter(partenaire_id=user.organisation_id)
            del self.fields["direction"]
        else:
            self.fields["acheteur"].queryset = Organisation.objects.filter(
                type__in=(TypeOrganisation.INSTANCE, TypeOrganisation.PARTENAIRE)).order_by("type", "nom")
            self.fields["convention"].queryset = Convention.objects.select_related("partenaire")
            self.fields["direction"].queryset = Direction.objects.all()
        self.fields["famille"].queryset = FamilleAchat.objects.all()
        # Optional fields: Select.use_required_attribute would read the first choice (one more query) for nothing.
        self.fields["acheteur"].widget.use_required_attribute = lambda initial: False
        self.fields["annee"].widget.attrs["placeholder"] = str(annee_courante())
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Row(
            *[Column(name, css_class="col-12 col-md") for name in self.fields],
            Column(Submit("", "Afficher", css_class="btn-primary mb-3"), css_class="col-12 col-md-auto d-flex align-items-end"),
            css_class="g-2",
        ))

    def perimetre(self) -> dict:
        """Valid choices (invalid ones fall back to the defaults: a bad query string never breaks the page)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        acheteur = data.get("acheteur")
        convention = data.get("convention")
        if self.partenaire:
            acheteur = self.user.organisation  # never the instance's figures for a partner without organisation
        else:
            # A convention names its partner: chosen with the default buyer (the instance), it wins.
            if convention is not None and (acheteur is None or acheteur.type == TypeOrganisation.INSTANCE):
                acheteur = convention.partenaire
            if acheteur is None:
                acheteur = Organisation.objects.instance()
        if convention is not None and acheteur is not None and convention.partenaire_id != acheteur.pk:
            convention = None
        direction = data.get("direction")
        if direction is not None and acheteur is not None and direction.organisation_id != acheteur.pk:
            direction = None
        return {"acheteur": acheteur, "annee": data.get("annee") or annee_courante(), "direction": direction,
                "famille": data.get("famille"), "convention": convention}


class BilanDemandeForm(PerimetreForm):
    depuis = forms.IntegerField(label="Cumul depuis", min_value=2000, max_value=2100, required=False,
                                help_text="Vide : depuis la première année avec des heures.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].required = True
        self.fields["annee"].initial = annee_courante() - 1
        self.helper.form_method = "post"
        self.helper.disable_csrf = False
        self.helper.layout = Layout(*self.fields, Submit("submit", "Générer le bilan annuel"))

    def clean(self):
        data = super().clean()
        if data.get("depuis") and data.get("annee") and data["depuis"] > data["annee"]:
            self.add_error("depuis", "Le cumul commence au plus tard l'année du bilan.")
        return data
