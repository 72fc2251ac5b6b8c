from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from core.templatetags.formats import format_euros, format_pourcent

from .enums import ModeCalculHeures, NoteDiagnostic, TypeClause
from .models import ClauseMarche, ClauseModele, FamilleAchat
from .selectors import familles_actives
from .services import clause_texte_verifier
from .textes import PLACEHOLDERS

CENT = Decimal("100")


def _pct_field(label, required=True, help_text=""):
    return forms.DecimalField(label=f"{label} (%)", min_value=0, max_value=100, decimal_places=2,
                              required=required, help_text=help_text)


class FamilleForm(forms.ModelForm):
    prefixes = forms.CharField(
        label="Préfixes CPV", required=False,
        help_text="Séparés par des virgules, ex. « 45, 4523 ». Le préfixe le plus long l'emporte.",
    )
    part_pct = _pct_field("Part de main-d'œuvre")
    taux_pct = _pct_field("Taux d'insertion")

    class Meta:
        model = FamilleAchat
        fields = ["nom", "description", "cout_horaire", "reservation_conseillee"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            self.fields["prefixes"].initial = ", ".join(instance.prefixes_cpv or [])
        self.fields["part_pct"].initial = Decimal(str(instance.part_main_oeuvre or 0)) * CENT
        self.fields["taux_pct"].initial = Decimal(str(instance.taux_insertion or 0)) * CENT
        self.order_fields(["nom", "description", "prefixes", "part_pct", "taux_pct", "cout_horaire",
                           "reservation_conseillee"])
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer"))

    def clean_prefixes(self):
        raw = self.cleaned_data["prefixes"]
        prefixes = []
        for part in raw.replace(";", ",").split(","):
            digits = "".join(ch for ch in part.strip() if ch not in ". ")
            if not digits:
                continue
            if not digits.isdigit() or len(digits) > 8:
                raise forms.ValidationError(f"« {part.strip()} » n'est pas un préfixe CPV (chiffres, 8 au plus).")
            prefixes.append(digits)
        return prefixes

    def clean_cout_horaire(self):
        value = self.cleaned_data["cout_horaire"]
        if value is None or value <= 0:
            raise forms.ValidationError("Le coût horaire doit être positif.")
        return value

    def save(self, commit=True):
        famille = super().save(commit=False)
        famille.prefixes_cpv = self.cleaned_data["prefixes"]
        famille.part_main_oeuvre = self.cleaned_data["part_pct"] / CENT
        famille.taux_insertion = self.cleaned_data["taux_pct"] / CENT
        return famille


class ClauseModeleForm(forms.ModelForm):
    texte = forms.CharField(
        label="Texte", widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Variables : " + ", ".join("{" + k + "} (" + v + ")" for k, v in PLACEHOLDERS.items()) + ".",
    )
    note = forms.CharField(label="Motif de la modification", max_length=255, required=False,
                           help_text="Une modification du texte crée une nouvelle version ; les marchés gardent "
                                     "la leur.")

    class Meta:
        model = ClauseModele
        fields = ["titre", "type_clause", "familles"]
        widgets = {"familles": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["familles"].queryset = familles_actives()
        self.fields["familles"].help_text = "Aucune famille cochée : la clause convient à toutes."
        if self.instance.pk:
            version = self.instance.version_courante
            self.fields["texte"].initial = version.texte if version else ""
        else:
            del self.fields["note"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer"))

    def clean_texte(self):
        texte = self.cleaned_data["texte"].strip()
        errors = clause_texte_verifier(texte)
        if errors:
            raise forms.ValidationError(errors)
        return texte


class ClauseMarcheForm(forms.ModelForm):
    """A clause on a contract. Insertion parameters are empty = the family default; a value different from
    the default is an override and needs a reason."""

    part_pct = _pct_field("Part de main-d'œuvre", required=False)
    taux_pct = _pct_field("Taux d'insertion", required=False)
    maj_version = forms.BooleanField(label="Reprendre la dernière version du texte de la clause type",
                                     required=False)

    class Meta:
        model = ClauseMarche
        fields = ["lot", "mode_calcul", "montant_base_ht", "cout_horaire", "euros_par_heure", "heures_forcees",
                  "delai", "motif_derogation"]
        widgets = {"motif_derogation": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, marche, type_clause, nouvelle_version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.marche = marche
        self.type_clause = type_clause
        self.famille = marche.famille
        self.fields["lot"].queryset = marche.lots.all()
        self.fields["lot"].empty_label = "Tout le marché"
        self.fields["lot"].required = False
        if self.instance.pk:
            if self.instance.part_main_oeuvre is not None:
                self.fields["part_pct"].initial = self.instance.part_main_oeuvre * CENT
            if self.instance.taux_insertion is not None:
                self.fields["taux_pct"].initial = self.instance.taux_insertion * CENT
        if nouvelle_version is None:
            del self.fields["maj_version"]
        else:
            self.fields["maj_version"].help_text = f"Version {nouvelle_version.numero} disponible."
        famille = self.famille
        defaut = "défaut de la famille : {}" if famille else "aucune famille d'achat : à saisir"
        self.fields["part_pct"].help_text = defaut.format(format_pourcent(famille.part_main_oeuvre, 0)) \
            if famille else defaut
        self.fields["taux_pct"].help_text = defaut.format(format_pourcent(famille.taux_insertion, 0)) \
            if famille else defaut
        self.fields["cout_horaire"].help_text = defaut.format(format_euros(famille.cout_horaire)) \
            if famille else defaut
        self.fields["montant_base_ht"].help_text = "Vide : le montant du lot ou du marché."
        self.fields["euros_par_heure"].help_text = "Variante forfaitaire : ex. 2 000 € facturés par heure."
        self.fields["heures_forcees"].help_text = "Vide : calculées. Une valeur saisie remplace le calcul."
        self.fields["motif_derogation"].help_text = "Obligatoire dès qu'une valeur diffère du défaut."
        if type_clause != TypeClause.INSERTION:
            for name in ("mode_calcul", "montant_base_ht", "part_pct", "taux_pct", "cout_horaire",
                         "euros_par_heure", "heures_forcees", "motif_derogation"):
                self.fields.pop(name, None)
        self.order_fields(["lot", "mode_calcul", "montant_base_ht", "part_pct", "taux_pct", "cout_horaire",
                           "euros_par_heure", "heures_forcees", "delai", "motif_derogation", "maj_version"])
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns the <form> (hidden model id, submit button)

    def clean(self):
        data = super().clean()
        if self.type_clause != TypeClause.INSERTION:
            return data
        famille = self.famille
        overrides = []
        part = data.get("part_pct")
        taux = data.get("taux_pct")
        data["part_main_oeuvre"] = part / CENT if part is not None else None
        data["taux_insertion"] = taux / CENT if taux is not None else None
        checks = [("part_main_oeuvre", "part de main-d'œuvre"), ("taux_insertion", "taux d'insertion"),
                  ("cout_horaire", "coût horaire")]
        for field, label in checks:
            value = data.get(field)
            if value is not None and famille is not None:
                if value == getattr(famille, field):
                    data[field] = None  # the default typed again is not an override: keep following the family
                else:
                    overrides.append(label)
        if data.get("montant_base_ht") is not None:
            overrides.append("montant de référence")
        if data.get("heures_forcees") is not None:
            overrides.append("heures saisies")
        if data.get("cout_horaire") is not None and data["cout_horaire"] <= 0:
            self.add_error("cout_horaire", "Le coût horaire doit être positif.")
        for name in ("montant_base_ht", "heures_forcees"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, "La valeur ne peut pas être négative.")
        if data.get("euros_par_heure") is not None and data["euros_par_heure"] <= 0:
            self.add_error("euros_par_heure", "Le montant par heure doit être positif.")
        if data.get("mode_calcul") == ModeCalculHeures.FORFAIT:
            if not data.get("euros_par_heure"):
                self.add_error("euros_par_heure", "La variante forfaitaire demande le montant facturé par heure.")
        if overrides and not (data.get("motif_derogation") or "").strip():
            self.add_error("motif_derogation", "Indiquez le motif : valeur(s) modifiée(s) — " + ", ".join(overrides)
                           + ".")
        return data

    def save(self, commit=True):
        clause = super().save(commit=False)
        clause.marche = self.marche
        clause.type_clause = self.type_clause
        if self.type_clause == TypeClause.INSERTION:
            clause.part_main_oeuvre = self.cleaned_data.get("part_main_oeuvre")
            clause.taux_insertion = self.cleaned_data.get("taux_insertion")
        return clause


class DiagnosticForm(forms.Form):
    commentaire = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, questions, initial_notes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        initial_notes = initial_notes or {}
        for question in questions:
            self.fields[f"q_{question.pk}"] = forms.TypedChoiceField(
                label=question.texte, choices=NoteDiagnostic.choices, coerce=int, widget=forms.RadioSelect,
                initial=initial_notes.get(question.pk),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def notes(self):
        return {q: self.cleaned_data[f"q_{q.pk}"] for q in self.questions}

    def champs_par_axe(self):
        groups = {}
        for question in self.questions:
            groups.setdefault(question.get_axe_display(), []).append(self[f"q_{question.pk}"])
        return groups
