from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from clauses.enums import TypeClause
from clauses.models import FamilleAchat
from core.models import Direction, Organisation

from .models import Action, Axe, DocumentStrategique, Indicateur, Objectif, Programmation, Spaser

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Form(forms.ModelForm):
    submit_label = "Enregistrer"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class SpaserForm(_Form):
    class Meta:
        model = Spaser
        fields = ["titre", "version", "annee_debut", "annee_fin", "acheteurs", "date_adoption",
                  "reference_deliberation", "annee_depart_publication", "preambule", "published"]
        widgets = {"date_adoption": DATE, "acheteurs": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acheteurs"].queryset = Organisation.objects.exclude(type="open_data").order_by("type", "nom")

    def clean(self):
        data = super().clean()
        debut, fin = data.get("annee_debut"), data.get("annee_fin")
        if debut and fin and fin < debut:
            self.add_error("annee_fin", "La dernière année suit la première.")
        if debut and fin and fin - debut > 15:
            self.add_error("annee_fin", "Une période de plus de 15 ans n'est pas plausible.")
        return data


class AdoptionForm(forms.Form):
    date_adoption = forms.DateField(label="Date de la délibération", widget=DATE)
    reference_deliberation = forms.CharField(label="Référence de la délibération", max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer l'adoption"))


class AxeForm(_Form):
    class Meta:
        model = Axe
        fields = ["type_axe", "titre", "description", "ordre"]


class ObjectifForm(_Form):
    class Meta:
        model = Objectif
        fields = ["titre", "description", "ordre"]


class IndicateurForm(_Form):
    class Meta:
        model = Indicateur
        fields = ["libelle", "source_type", "figure", "source", "unite", "sens", "annee_reference",
                  "valeur_reference", "ordre", "published"]

    def clean(self):
        data = super().clean()
        if data.get("source_type") == "moteur" and not data.get("figure"):
            self.add_error("figure", "Choisissez la donnée calculée à laquelle l'indicateur est lié.")
        if data.get("source_type") == "manuel" and not (data.get("source") or "").strip():
            self.add_error("source", "Indiquez la source d'un indicateur saisi à la main.")
        return data


def _decimal_ou_none(texte: str):
    texte = (texte or "").strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not texte:
        return None
    pourcent = texte.endswith("%")
    try:
        valeur = Decimal(texte.rstrip("%"))
    except InvalidOperation as exc:
        raise forms.ValidationError("Saisissez un nombre (ex. 0,3 ou 30 %).") from exc
    if not valeur.is_finite() or abs(valeur) >= Decimal("1e12"):
        raise forms.ValidationError("Nombre hors limites.")
    return valeur / 100 if pourcent else valeur


class ValeursIndicateurForm(forms.Form):
    """Targets per year of the period and, for a hand-entered indicator, the value per buyer and year."""

    def __init__(self, *args, indicateur, annees, acheteurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicateur, self.annees, self.acheteurs = indicateur, annees, acheteurs
        cibles = {c.annee: c.valeur for c in indicateur.cibles.all()}
        aide = "Pourcentage : 0,30 ou 30 %." if indicateur.unite == "pourcent" else ""
        for annee in annees:
            self.fields[f"cible_{annee}"] = forms.CharField(
                label=f"Cible {annee}", required=False, help_text=aide,
                initial=_initial(cibles.get(annee)))
        self.lignes_manuelles = []
        if not indicateur.est_calcule:
            valeurs = {(v.acheteur_id, v.annee): v for v in indicateur.valeurs.all()}
            for acheteur in acheteurs:
                for annee in annees:
                    ligne = valeurs.get((acheteur.pk, annee))
                    valeur_key, source_key = f"valeur_{acheteur.pk}_{annee}", f"source_{acheteur.pk}_{annee}"
                    self.fields[valeur_key] = forms.CharField(label=f"{acheteur} — {annee}", required=False,
                                                              initial=_initial(ligne.valeur if ligne else None))
                    self.fields[source_key] = forms.CharField(label="Source", required=False, max_length=255,
                                                              initial=ligne.source if ligne else "")
                    self.lignes_manuelles.append((acheteur, annee, valeur_key, source_key))

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if name.startswith(("cible_", "valeur_")):
                try:
                    data[name] = _decimal_ou_none(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data

    def cibles(self) -> dict:
        return {annee: self.cleaned_data.get(f"cible_{annee}") for annee in self.annees}

    def valeurs(self) -> dict:
        return {
            (acheteur.pk, annee): (self.cleaned_data.get(vk), (self.cleaned_data.get(sk) or "").strip())
            for acheteur, annee, vk, sk in self.lignes_manuelles
        }

    def champs_cibles(self):
        return [self[f"cible_{annee}"] for annee in self.annees]

    def champs_valeurs(self):
        return [(acheteur, annee, self[vk], self[sk]) for acheteur, annee, vk, sk in self.lignes_manuelles]


def _initial(valeur):
    if valeur is None:
        return ""
    return format(Decimal(valeur).normalize(), "f").replace(".", ",")


class ActionForm(_Form):
    class Meta:
        model = Action
        fields = ["titre", "description", "objectif", "direction", "echeance", "statut", "published"]
        widgets = {"echeance": DATE}

    def __init__(self, *args, spaser, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectif"].queryset = Objectif.objects.filter(axe__spaser=spaser).select_related("axe")
        self.fields["direction"].queryset = Direction.objects.select_related("organisation").order_by("nom")


class DocumentForm(_Form):
    url = forms.URLField(label="Adresse (URL)", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = DocumentStrategique
        fields = ["type_document", "titre", "url", "published"]


class ProgrammationForm(_Form):
    types_clauses = forms.MultipleChoiceField(label="Clauses prévues (types)", choices=TypeClause.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Programmation
        fields = ["acheteur", "objet", "famille", "direction", "montant_estime_ht", "annee", "trimestre",
                  "types_clauses", "clauses_prevues", "contact", "published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acheteur"].queryset = Organisation.objects.exclude(type="open_data").order_by("type", "nom")
        self.fields["famille"].queryset = FamilleAchat.objects.filter(is_active=True).order_by("nom")
        self.fields["direction"].queryset = Direction.objects.select_related("organisation").order_by("nom")
        if not self.instance.pk and not self.initial.get("acheteur"):
            self.initial["acheteur"] = Organisation.objects.instance()

    def clean(self):
        """A planned purchase is dated by its planned launch quarter (`annee`, `trimestre`): it cannot be a quarter
        already over (the current quarter is allowed: the launch may still be ahead). An existing entry whose
        quarter has passed can still be edited as long as its quarter is left as it is (to withdraw it from the
        public site, fix its contact...): only a newly chosen quarter must be to come."""
        data = super().clean()
        annee, trimestre = data.get("annee"), data.get("trimestre")
        nouveau = not self.instance.pk or {"annee", "trimestre"} & set(self.changed_data)
        if annee and trimestre and nouveau:
            today = timezone.localdate()
            en_cours = (today.year, (today.month - 1) // 3 + 1)
            if (annee, int(trimestre)) < en_cours:
                self.add_error("trimestre", (
                    f"T{trimestre} {annee} est passé : un achat programmé se lance au trimestre en cours "
                    f"(T{en_cours[1]} {en_cours[0]}) ou à un trimestre à venir."))
        return data
