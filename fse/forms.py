"""Forms of the FSE+ pages (crispy-forms, Bootstrap 5). They parse; the rules live in fse.services, whose
ValidationError is shown on the field it names. Query strings are read through core.parametres."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.db.models import Q

from core.enums import Role
from core.models import User
from core.parametres import ID_MAX, AnneeField, IdField, ParametresForm
from facilitateurs.models import Convention, Participant

from .models import QUESTIONS_SORTIE, SENSIBLES, OperationFSE, ParticipationFSE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NON_RENSEIGNE = "Non renseigné"
ENTREE = ["date_entree", "date_information", "convention", "situation_entree", "niveau_education", *SENSIBLES]


def _helper(libelle: str, *layout) -> FormHelper:
    helper = FormHelper()
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", libelle))
    return helper


class ReponseBooleenneField(forms.TypedChoiceField):
    """A yes/no answer that may stay unknown (None): radio buttons « Oui », « Non », « Non renseigné »."""

    def __init__(self, *, label, help_text=""):
        super().__init__(label=label, help_text=help_text, required=False, empty_value=None,
                         choices=[("oui", "Oui"), ("non", "Non"), ("", NON_RENSEIGNE)],
                         coerce=lambda valeur: valeur == "oui", widget=forms.RadioSelect)

    def prepare_value(self, value):
        if value is True:
            return "oui"
        if value is False:
            return "non"
        return value if value in ("oui", "non") else ""


class ChoixMultiplesField(forms.ModelMultipleChoiceField):
    """A list of ids of which each is an id of an integer column: beyond (a 20-digit id), an `IN` on SQLite
    overflows (a 500) where the form should say the choice is not valid."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            texte = str(pk)
            if not (texte.isascii() and texte.isdigit() and 1 <= int(texte) <= ID_MAX):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super()._check_values(value)


class OperationForm(forms.ModelForm):
    class Meta:
        model = OperationFSE
        fields = ["reference", "intitule", "date_debut", "date_fin", "montant_fse", "facilitateurs", "conventions"]
        widgets = {"date_debut": DATE, "date_fin": DATE}
        field_classes = {"facilitateurs": ChoixMultiplesField, "conventions": ChoixMultiplesField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["montant_fse"].localize = True
        self.fields["montant_fse"].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.fields["montant_fse"].help_text = "En euros, par exemple 125 000,00."
        # Active facilitators, and those already on the operation (kept when the operation is edited).
        deja = Q(operations_fse=self.instance) if self.instance.pk else Q(pk__in=[])
        self.fields["facilitateurs"].queryset = User.objects.filter(
            Q(role=Role.FACILITATEUR, is_active=True) | deja).distinct().order_by("last_name", "first_name", "username")
        self.fields["conventions"].queryset = Convention.objects.select_related("partenaire").order_by(
            "partenaire__nom", "intitule")
        self.fields["conventions"].label_from_instance = lambda c: f"{c.partenaire.nom} · {c.intitule}"
        self.fields["reference"].help_text = "La référence de l'opération sur la plateforme de l'autorité de gestion."
        self.helper = _helper("Enregistrer l'opération")

    def champs(self) -> dict:
        return {nom: self.cleaned_data[nom] for nom in self.Meta.fields}


class ParticipationForm(forms.ModelForm):
    """The entry: who (by code, at creation only), when, informed when, under which convention, and the entry
    questionnaire. Sensitive answers offer « Ne souhaite pas répondre »."""

    code = forms.CharField(label="Code du participant", max_length=30,
                           help_text="Le code pseudonyme du participant, tel qu'il figure dans « Participants ».")

    class Meta:
        model = ParticipationFSE
        fields = ENTREE
        widgets = {"date_entree": DATE, "date_information": DATE, "situation_entree": forms.RadioSelect,
                   "niveau_education": forms.RadioSelect, **{nom: forms.RadioSelect for nom in SENSIBLES}}

    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.operation = operation
        if self.instance.pk:
            del self.fields["code"]
        self.fields["convention"].queryset = operation.conventions.select_related("partenaire").order_by("intitule")
        self.fields["convention"].label_from_instance = lambda c: f"{c.partenaire.nom} · {c.intitule}"
        self.fields["date_information"].help_text = (
            "Le jour où la personne a été informée du traitement de ses données (règlement FSE+ et RGPD).")
        for nom in ("situation_entree", "niveau_education", *SENSIBLES):
            champ = self.fields[nom]
            champ.choices = [*[c for c in champ.choices if c[0] != ""], ("", NON_RENSEIGNE)]
        self.fields["situation_entree"].help_text = "Chômeur de longue durée : 12 mois et plus (6 mois avant 25 ans)."
        entree = ["date_entree", "date_information", "convention"]
        self.helper = _helper(
            "Enregistrer l'entrée",
            Fieldset("Entrée dans l'opération", *(["code"] if "code" in self.fields else []), *entree),
            Fieldset("Questionnaire d'entrée", "situation_entree", "niveau_education"),
            Fieldset("Situations (réponses sensibles, visibles des seuls facilitateurs)", *SENSIBLES),
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        participant = Participant.objects.filter(code__iexact=code).first()
        if participant is None:
            raise forms.ValidationError("Aucun participant n'a ce code : enregistrez-le d'abord dans « Participants ».")
        self.participant = participant
        return code

    def champs(self) -> dict:
        champs = {nom: self.cleaned_data[nom] for nom in ENTREE}
        if not self.instance.pk:
            champs.update(operation=self.operation, participant=self.participant)
        return champs


class SortieFSEForm(forms.Form):
    """The three answers at exit the Sortie of facilitateurs does not hold (employment comes from its category)."""

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, **kwargs)
        for nom in QUESTIONS_SORTIE:
            libelle = str(ParticipationFSE._meta.get_field(nom).verbose_name)
            self.fields[nom] = ReponseBooleenneField(label=libelle[:1].upper() + libelle[1:])
            self.initial.setdefault(nom, getattr(participation, nom))
        self.helper = _helper("Enregistrer la sortie")

    def champs(self) -> dict:
        return {nom: self.cleaned_data[nom] for nom in QUESTIONS_SORTIE}


class SuiviFSEForm(forms.Form):
    situation_amelioree_6_mois = ReponseBooleenneField(
        label="Situation sur le marché du travail améliorée six mois après la sortie",
        help_text="Par exemple : d'un emploi précaire à un emploi stable, d'un temps partiel à un temps plein, "
                  "une promotion.")

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("situation_amelioree_6_mois", participation.situation_amelioree_6_mois)
        self.helper = _helper("Enregistrer le suivi à 6 mois")

    def champs(self) -> dict:
        return {"situation_amelioree_6_mois": self.cleaned_data["situation_amelioree_6_mois"]}


# Query strings ------------------------------------------------------------------------------------------------

class ListeParametres(ParametresForm):
    q = forms.CharField(required=False, max_length=100)


class OperationParametres(ParametresForm):
    operation = IdField()


class RapportParametres(ParametresForm):
    annee = AnneeField(min_value=2021, max_value=2100)
    operation = IdField()
