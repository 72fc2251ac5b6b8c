"""Forms of the examinations (crispy-forms, Bootstrap 5). They parse; the rules live in examens.services, whose
ValidationError is shown on the field it names."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from clauses.enums import TypeClause

from .enums import MotifNonRetenu, Reponse, StatutExamen, TypeAvis
from .regles import DECIDABLES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HEURES_MAX = 10_000_000


def _helper(libelle: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", libelle))
    return helper


class OuvertureForm(forms.Form):
    date_lancement_prevue = forms.DateField(label="Lancement prévu de la consultation", widget=DATE,
                                            help_text="L'échéance de chacun : l'avis et la décision la précèdent.")

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=f"{question.axe_libelle} — {question.texte}", choices=[("", "Pas encore étudié"),
                                                                             *Reponse.choices],
                required=False)
        self.helper = _helper("Ouvrir l'examen")

    def reponses(self) -> dict:
        return {q.code: self.cleaned_data.get(f"q_{q.code}", "") for q in self.questions}


class AvisForm(forms.Form):
    clause = forms.TypedChoiceField(
        label="Une clause sociale est-elle proposée ?", choices=[("oui", "Oui, une clause est proposée"),
                                                                 ("non", "Non, pas de clause sociale")],
        widget=forms.RadioSelect, coerce=lambda v: v == "oui")
    types = forms.MultipleChoiceField(label="Modalités proposées", choices=TypeAvis.choices,
                                      widget=forms.CheckboxSelectMultiple, required=False)
    heures = forms.DecimalField(label="Heures d'insertion proposées", required=False, min_value=0,
                                max_value=HEURES_MAX, max_digits=12, decimal_places=2, localize=True,
                                help_text="Avec la modalité « clause d'insertion (heures) ».")
    contexte = forms.CharField(label="Contexte local de l'emploi", widget=forms.Textarea(attrs={"rows": 3}),
                               required=False, max_length=4000,
                               help_text="Entreprises et SIAE du territoire, publics disponibles, autres chantiers.")
    motifs = forms.CharField(label="Motifs de l'avis", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Enregistrer l'avis")


class DecisionForm(forms.Form):
    types = forms.MultipleChoiceField(
        label="Considérations que contiendra la consultation",
        choices=[(t, TypeClause(t).label) for t in DECIDABLES], widget=forms.CheckboxSelectMultiple,
        required=False, help_text="Chaque considération retenue est créée sur le marché comme une clause.")
    heures = forms.DecimalField(label="Heures d'insertion décidées", required=False, min_value=0,
                                max_value=HEURES_MAX, max_digits=12, decimal_places=2, localize=True,
                                help_text="Vide : calculées par la formule de la famille d'achat.")
    motif_non_retenu = forms.ChoiceField(label="Motif, si aucune considération sociale n'est retenue",
                                         choices=[("", "—"), *MotifNonRetenu.choices], required=False)
    derogation_justification = forms.CharField(
        label="Justification écrite de la dérogation (L2112-2-1)", widget=forms.Textarea(attrs={"rows": 3}),
        required=False, max_length=4000,
        help_text="Obligatoire sans clause d'insertion quand la valeur atteint le seuil européen.")
    commentaire = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Enregistrer la décision")


class LancementForm(forms.Form):
    date = forms.DateField(label="Consultation lancée le", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Enregistrer le lancement")


class FiltreForm(forms.Form):
    """The list's filters; an invalid value is ignored (the list is shown unfiltered on it)."""

    q = forms.CharField(label="Recherche", required=False, max_length=200)
    statut = forms.ChoiceField(label="Étape", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [("", "Toutes"), *StatutExamen.choices]
