import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms

from clauses.selectors import familles_actives
from core.concurrence import VersionFormMixin
from core.enums import Role
from core.models import Direction, Organisation
from core.utils import normalise_siret, siret_error
from core.validators import fichier_valider

from .enums import ModaliteExecution, RoleEntreprise, Technique, TypeIdentifiant, TypePrix, TypeReservation
from .etat import DECLAREES, considerations_deduites_seules
from .models import Attribution, Entreprise, Lot, Marche, Modification, SeuilEuropeen
from .services import conventions_bloquant_acheteur, conventions_message

CPV_RE = re.compile(r"^[0-9]{8}(-[0-9])?$")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def cpv_error(code: str) -> str | None:
    if code and not CPV_RE.match(code):
        return "Le code CPV compte 8 chiffres, éventuellement suivis d'un tiret et de la clé (ex. 45233140-2)."
    return None


# The buyer ticks what it declares; the contract's effective considerations are these OR what its clauses imply
# (marches.etat), shown read-only under the ticks.
CONSIDERATIONS = tuple(DECLAREES.values())
LIBELLES = {
    "clause_sociale": "Clause sociale (condition d'exécution)",
    "critere_social": "Critère social (attribution)",
    "marche_reserve": "Marché réservé",
    "type_reservation": "Type de réservation",
    "clause_environnementale": "Clause environnementale (condition d'exécution)",
    "critere_environnemental": "Critère environnemental (attribution)",
}
MONTANT_NEGATIF = "Un montant ne peut pas être négatif."


def _montant_positif(form, *names):
    for name in names:
        value = form.cleaned_data.get(name)
        if value is not None and value < 0:
            form.add_error(name, MONTANT_NEGATIF)


def considerations_retenues_html(marche, deduites: set[str]) -> str:
    """The contract's effective considerations, read-only, those coming from its clauses (`deduites`,
    marches.etat.considerations_deduites_seules) marked as such."""
    from django.utils.html import format_html, format_html_join
    from django.utils.safestring import mark_safe

    if not marche.pk:
        return ""
    items = []
    for name in ("clause_sociale", "critere_social", "marche_reserve", "clause_environnementale",
                 "critere_environnemental"):
        if getattr(marche, name):
            libelle = LIBELLES[name]
            if name == "marche_reserve" and marche.type_reservation:
                libelle += f" — {TypeReservation(marche.type_reservation).label}"
            items.append((libelle, " (déduite des clauses)" if name in deduites else ""))
    if not items:
        return mark_safe('<p class="small text-body-secondary" data-testid="considerations-retenues">'  # noqa: S308
                         "Considérations retenues : aucune.</p>")
    return format_html(
        '<div class="small mb-3" data-testid="considerations-retenues"><p class="mb-1">Considérations retenues '
        "(cochées ci-dessus ou déduites des clauses du marché) :</p><ul class=\"mb-0\">{}</ul></div>",
        format_html_join("", "<li>{}{}</li>", items))


class MarcheForm(VersionFormMixin, forms.ModelForm):
    techniques = forms.MultipleChoiceField(label="Techniques d'achat", choices=Technique.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    modalites_execution = forms.MultipleChoiceField(label="Modalités d'exécution", choices=ModaliteExecution.choices,
                                                    required=False, widget=forms.CheckboxSelectMultiple)
    types_prix = forms.MultipleChoiceField(label="Types de prix", choices=TypePrix.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Marche
        fields = [
            "acheteur", "direction", "famille", "categorie", "identifiant", "objet", "code_cpv", "nature", "procedure",
            "techniques", "modalites_execution", "ccag", "forme_prix", "types_prix", "type_groupement",
            "id_accord_cadre", "marche_innovant", "valeur_estimee_ht", "montant_ht", "duree_mois", "date_lancement",
            "date_notification", "date_debut", "date_fin", "lieu_code", "lieu_type_code", "lieu_nom",
            "offres_recues", "attribution_avance", "taux_avance",
            *CONSIDERATIONS, "derogation_sociale", "derogation_justification",
        ]
        widgets = {
            "objet": forms.Textarea(attrs={"rows": 2}),
            "derogation_justification": forms.Textarea(attrs={"rows": 2}),
            "date_lancement": DATE, "date_notification": DATE, "date_debut": DATE, "date_fin": DATE,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["identifiant"].required = True
        self.fields["famille"].queryset = familles_actives().order_by("nom")
        self.fields["direction"].queryset = Direction.objects.select_related("organisation").order_by("nom")
        self.fields["acheteur"].queryset = Organisation.objects.filter(type__in=["instance", "partenaire"])
        if self.instance.pk:
            self.fields["acheteur"].queryset = self.fields["acheteur"].queryset | Organisation.objects.filter(
                pk=self.instance.acheteur_id)
        if user is not None and user.role == Role.ACHETEUR:
            # A buyer enters contracts of their own organisation and direction.
            for name in ("acheteur", "direction"):
                self.fields[name].disabled = True
            self.fields["acheteur"].queryset = Organisation.objects.filter(pk=user.organisation_id)
            self.fields["direction"].queryset = Direction.objects.filter(pk=user.direction_id)
            if not self.instance.pk:
                self.initial.setdefault("acheteur", user.organisation_id)
                self.initial.setdefault("direction", user.direction_id)
        if self.instance.pk and self.instance.modifications.exists():
            for name in ("montant_ht", "duree_mois"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Modifié par les avenants : saisissez un avenant pour le changer."
        deduites = set()
        if self.instance.pk:
            deduites = considerations_deduites_seules(
                self.instance, set(self.instance.clauses.values_list("type_clause", flat=True)))
        for effective, name in DECLAREES.items():
            self.fields[name].label = LIBELLES[effective]
            if effective in deduites:
                self.fields[name].help_text = "Déduites des clauses : retenue même sans coche."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset("Acheteur", "version", "acheteur", "direction", "famille"),
            Fieldset("Marché", "categorie", "identifiant", "objet", "code_cpv", "nature", "procedure", "techniques",
                     "modalites_execution", "ccag", "forme_prix", "types_prix", "type_groupement", "id_accord_cadre",
                     "marche_innovant"),
            Fieldset("Montants et dates", "valeur_estimee_ht", "montant_ht", "duree_mois", "date_lancement",
                     "date_notification", "date_debut", "date_fin", "offres_recues", "attribution_avance",
                     "taux_avance"),
            Fieldset("Lieu d'exécution", "lieu_code", "lieu_type_code", "lieu_nom"),
            Fieldset("Considérations sociales et environnementales", *CONSIDERATIONS,
                     HTML(considerations_retenues_html(self.instance, deduites)), "derogation_sociale",
                     "derogation_justification"),
        )
        self.helper.add_input(Submit("submit", "Enregistrer"))

    def clean_code_cpv(self):
        code = (self.cleaned_data.get("code_cpv") or "").strip()
        error = cpv_error(code)
        if error:
            raise forms.ValidationError(error)
        return code

    def clean_identifiant(self):
        return (self.cleaned_data.get("identifiant") or "").strip()

    def clean(self):
        data = super().clean()
        _montant_positif(self, "montant_ht", "valeur_estimee_ht")
        if data.get("marche_reserve_declare") and not data.get("type_reservation_declare"):
            self.add_error("type_reservation_declare", "Précisez le type de réservation (EA-ESAT, SIAE ou ESS).")
        if not data.get("marche_reserve_declare") and data.get("type_reservation_declare"):
            self.add_error("marche_reserve_declare", "Un type de réservation est saisi : cochez « marché réservé ».")
        if data.get("derogation_sociale") and not (data.get("derogation_justification") or "").strip():
            self.add_error("derogation_justification", "Une dérogation doit être justifiée par écrit.")
        debut, fin = data.get("date_debut"), data.get("date_fin")
        if debut and fin and fin < debut:
            self.add_error("date_fin", "La fin d'exécution précède son début.")
        lancement, notification = data.get("date_lancement"), data.get("date_notification")
        if lancement and notification and notification < lancement:
            self.add_error("date_notification", "La notification précède le lancement de la consultation.")
        direction, acheteur = data.get("direction"), data.get("acheteur")
        if direction and acheteur and direction.organisation_id != acheteur.pk:
            self.add_error("direction", "Cette direction n'appartient pas à l'acheteur choisi.")
        if self.instance.pk and acheteur and acheteur.pk != self.instance.acheteur_id:
            conventions = conventions_bloquant_acheteur(marche=self.instance, acheteur=acheteur)
            if conventions:
                self.add_error("acheteur", conventions_message(conventions))
        identifiant = data.get("identifiant")
        if acheteur and identifiant:
            doublon = Marche.objects.filter(acheteur=acheteur, identifiant=identifiant,
                                            discriminant=self.instance.discriminant or "")
            if self.instance.pk:
                doublon = doublon.exclude(pk=self.instance.pk)
            if doublon.exists():
                self.add_error("identifiant", "Cet acheteur a déjà un marché avec cet identifiant.")
        return data


class LotForm(forms.ModelForm):
    class Meta:
        model = Lot
        fields = ["numero", "intitule", "montant_ht"]

    def __init__(self, *args, marche=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.marche = marche
        self.fields["numero"].required = False
        self.fields["numero"].help_text = "Laisser vide pour le numéro suivant."
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Ajouter le lot"))

    def clean_numero(self):
        numero = self.cleaned_data.get("numero")
        if numero is not None and self.marche is not None and self.marche.lots.filter(numero=numero).exists():
            raise forms.ValidationError("Ce numéro de lot existe déjà.")
        return numero

    def clean(self):
        data = super().clean()
        _montant_positif(self, "montant_ht")
        return data


class AttributionForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=RoleEntreprise.choices, initial=RoleEntreprise.TITULAIRE)
    siret = forms.CharField(label="SIRET de l'entreprise", max_length=20,
                            help_text="Une entreprise inconnue est créée ; précisez alors sa raison sociale.")
    nom = forms.CharField(label="Raison sociale", max_length=255, required=False)
    lot = forms.ModelChoiceField(label="Lot", queryset=Lot.objects.none(), required=False)
    montant_ht = forms.DecimalField(label="Montant HT (€)", max_digits=15, decimal_places=2, required=False,
                                    min_value=0)

    def __init__(self, *args, marche=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.marche = marche
        self.fields["lot"].queryset = marche.lots.all() if marche is not None else Lot.objects.none()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Ajouter l'entreprise"))

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data["siret"])
        error = siret_error(siret)
        if error:
            raise forms.ValidationError(error)
        return siret

    def clean(self):
        data = super().clean()
        siret = data.get("siret")
        if siret and not data.get("nom") and not Entreprise.objects.filter(siret=siret).exists():
            self.add_error("nom", "Entreprise inconnue : indiquez sa raison sociale.")
        if siret and self.marche is not None and Attribution.objects.filter(
            marche=self.marche, entreprise__siret=siret, role=data.get("role"), lot=data.get("lot")
        ).exists():
            self.add_error("siret", "Cette entreprise figure déjà sur ce marché avec ce rôle.")
        return data


class ModificationForm(forms.ModelForm):
    class Meta:
        model = Modification
        fields = ["objet", "date_notification", "montant_ht", "duree_mois"]
        widgets = {"objet": forms.Textarea(attrs={"rows": 2}), "date_notification": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer l'avenant"))

    def clean(self):
        data = super().clean()
        _montant_positif(self, "montant_ht")
        if data.get("montant_ht") is None and data.get("duree_mois") is None and not data.get("objet"):
            raise forms.ValidationError("Un avenant change le montant, la durée, ou a au moins un objet.")
        return data


class EntrepriseForm(forms.ModelForm):
    siret = forms.CharField(label="SIRET", max_length=20, help_text="14 chiffres, espaces acceptés.")

    class Meta:
        model = Entreprise
        fields = ["siret", "type_identifiant", "nom", "code_postal", "type_structure"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer"))

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data["siret"])
        if self.data.get("type_identifiant", TypeIdentifiant.SIRET) == TypeIdentifiant.SIRET:
            error = siret_error(siret)
            if error:
                raise forms.ValidationError(error)
        doublon = Entreprise.objects.filter(siret=siret)
        if self.instance.pk:
            doublon = doublon.exclude(pk=self.instance.pk)
        if doublon.exists():
            raise forms.ValidationError("Une entreprise porte déjà cet identifiant.")
        return siret

    def clean_code_postal(self):
        code = (self.cleaned_data.get("code_postal") or "").strip()
        if code and (len(code) != 5 or not code.isdigit()):
            raise forms.ValidationError("Le code postal compte 5 chiffres.")
        return code


class SeuilForm(forms.ModelForm):
    class Meta:
        model = SeuilEuropeen
        fields = ["type_seuil", "date_debut", "date_fin", "montant_ht"]
        widgets = {"date_debut": DATE, "date_fin": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer"))

    def clean(self):
        data = super().clean()
        if data.get("date_debut") and data.get("date_fin") and data["date_fin"] < data["date_debut"]:
            self.add_error("date_fin", "La fin précède le début.")
        if data.get("montant_ht") is not None and data["montant_ht"] <= 0:
            self.add_error("montant_ht", "Le seuil est un montant positif.")
        return data


class ImportForm(forms.Form):
    fichier = forms.FileField(label="Fichier")

    def __init__(self, *args, label="Importer", extensions=(".json", ".xml"), **kwargs):
        super().__init__(*args, **kwargs)
        self.extensions = tuple(extensions)
        self.fields["fichier"].widget.attrs["accept"] = ",".join(self.extensions)
        self.helper = FormHelper()
        self.helper.form_enctype = "multipart/form-data"
        self.helper.add_input(Submit("submit", label))

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        fichier_valider(fichier, self.extensions)
        return fichier
