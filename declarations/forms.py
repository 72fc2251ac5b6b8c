from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from facilitateurs.enums import Modalite, TypeContrat
from facilitateurs.models import Participant

from .enums import StatutDeclaration
from .services import justificatif_taille_max_libelle

LIGNES_VIDES = 4


def _bootstrap(form):
    for field in form.fields.values():
        classe = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", classe)


def _helper(label):
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.code


class LigneForm(forms.Form):
    """One line of a declaration: a person (known participant or new one) or an amount sub-contracted to an SIAE."""

    participant = ParticipantChoiceField(label="Personne (code)", queryset=Participant.objects.none(), required=False,
                                         empty_label="— nouvelle personne ou sous-traitance —")
    personne_proposee = forms.CharField(label="Nouvelle personne (nom et prénom)", max_length=150, required=False)
    modalite = forms.ChoiceField(label="Modalité", choices=[("", "—"), *Modalite.choices], required=False)
    type_contrat = forms.ChoiceField(label="Type de contrat", choices=[("", "—"), *TypeContrat.choices],
                                     required=False)
    heures = forms.DecimalField(label="Heures", min_value=0, max_digits=8, decimal_places=2, required=False,
                                localize=True)
    montant_ht = forms.DecimalField(label="Montant HT sous-traité (€)", min_value=0, max_digits=12,
                                    decimal_places=2, required=False, localize=True)

    def __init__(self, *args, participants=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants if participants is not None else Participant.objects.none()
        _bootstrap(self)

    def clean(self):
        data = super().clean()
        remplie = any(data.get(k) not in (None, "") for k in ("participant", "personne_proposee", "heures",
                                                               "montant_ht"))
        data["vide"] = not remplie
        if remplie and not data.get("modalite"):
            self.add_error("modalite", "Choisissez la modalité.")
        return data


class BaseLigneFormSet(forms.BaseFormSet):
    def __init__(self, *args, participants=None, **kwargs):
        self.participants = participants
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "participants": self.participants}

    def lignes(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("vide")]


LigneFormSet = forms.formset_factory(LigneForm, formset=BaseLigneFormSet, extra=LIGNES_VIDES, max_num=50,
                                     validate_max=True)


class FichiersMultiples(forms.ClearableFileInput):
    allow_multiple_selected = True


class JustificatifsField(forms.FileField):
    widget = FichiersMultiples

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(JustificatifsField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class DeclarationForm(forms.Form):
    justificatifs = JustificatifsField(
        label="Justificatifs", required=False,
        widget=FichiersMultiples(attrs={"accept": "application/pdf,image/png,image/jpeg"}))
    commentaire = forms.CharField(label="Commentaire pour le facilitateur", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)
        self.fields["justificatifs"].help_text = (
            "Bulletins de paie, contrats de travail, factures de la SIAE : PDF, PNG ou JPEG, "
            f"{justificatif_taille_max_libelle()} au plus chacun. Plusieurs fichiers possibles.")
        self.fields["justificatifs"].widget.attrs["aria-describedby"] = "aide-justificatifs"


class InvitationForm(forms.Form):
    # The address is also the contact's username (150 characters at most): said on the field, not as a loose error.
    email = forms.EmailField(label="Adresse électronique du contact", max_length=150)
    prenom = forms.CharField(label="Prénom", max_length=150, required=False)
    nom = forms.CharField(label="Nom", max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Envoyer l'invitation")


class RenvoiForm(forms.Form):
    motif = forms.CharField(label="Motif du renvoi (ce que l'entreprise doit corriger)", max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class FiltreDeclarationsForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *StatutDeclaration.choices])
