import datetime
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.concurrence import VersionFormMixin
from core.enums import Role, TypeOrganisation
from core.models import Organisation, User
from core.validators import fichier_valider
from marches.models import Entreprise, Marche

from . import selectors, services
from .enums import Modalite, Public, TypeContrat
from .models import ActionSuivi, Convention, Eligibilite, MiseEnEmploi, Participant, Sortie

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(label="Enregistrer", form_tag=True):
    helper = FormHelper()
    helper.form_tag = form_tag
    if form_tag:
        helper.add_input(Submit("submit", label))
    return helper


class MarcheChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.identifiant} — {obj.objet[:70]}"


class ConventionForm(forms.ModelForm):
    marches = MarcheChoiceField(label="Marchés couverts", queryset=Marche.objects.none(), required=False,
                                widget=forms.SelectMultiple(attrs={"size": 10}))

    class Meta:
        model = Convention
        fields = ["partenaire", "intitule", "facilitateurs", "date_debut", "date_fin", "statut", "marches",
                  "fse_reference", "fse_montant", "globalisation"]
        widgets = {"date_debut": DATE, "date_fin": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partenaire"].queryset = Organisation.objects.filter(
            type__in=[TypeOrganisation.PARTENAIRE, TypeOrganisation.INSTANCE])
        self.fields["facilitateurs"].queryset = User.objects.filter(role=Role.FACILITATEUR, is_active=True)
        partenaire_id = getattr(self.instance, "partenaire_id", None)
        qs = Marche.objects.select_related("acheteur").only("pk", "identifiant", "objet", "acheteur__nom").order_by(
            "acheteur__nom", "identifiant")
        # The partner's contracts (all partners' before one is chosen); clean() checks they match the partner.
        self.fields["marches"].queryset = (qs.filter(acheteur_id=partenaire_id) if partenaire_id
                                           else qs.filter(acheteur__type=TypeOrganisation.PARTENAIRE))
        self.fields["marches"].label_from_instance = lambda m: f"{m.acheteur.nom} · {m.identifiant} — {m.objet[:60]}"
        self.fields["marches"].help_text = "Marchés de l'acheteur partenaire suivis au titre de la convention."
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        partenaire = data.get("partenaire")
        autres = [m for m in data.get("marches") or [] if partenaire and m.acheteur_id != partenaire.pk]
        if autres:
            self.add_error("marches", "Ces marchés ne sont pas de l'acheteur partenaire : "
                                      + ", ".join(m.identifiant for m in autres))
        if data.get("date_debut") and data.get("date_fin") and data["date_fin"] < data["date_debut"]:
            self.add_error("date_fin", "La fin précède le début.")
        return data


class ParticipantForm(VersionFormMixin, forms.ModelForm):
    nom = forms.CharField(label="Nom", max_length=120, required=False)
    prenom = forms.CharField(label="Prénom", max_length=120, required=False)
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False)
    email = forms.EmailField(label="Courriel", required=False)
    adresse = forms.CharField(label="Adresse", max_length=255, required=False)

    class Meta:
        model = Participant
        fields = ["code", "annee_naissance", "sexe", "code_postal", "commune", "qpv"]

    def __init__(self, *args, identite=None, **kwargs):
        super().__init__(*args, **kwargs)
        if identite is not None:
            for field in ("nom", "prenom", "telephone", "email", "adresse"):
                self.fields[field].initial = getattr(identite, field)
        self.helper = _helper()

    def clean_code_postal(self):
        code = self.cleaned_data["code_postal"].strip()
        if code and (len(code) != 5 or not code.isdigit()):
            raise forms.ValidationError("Le code postal compte 5 chiffres.")
        return code

    def clean_annee_naissance(self):
        annee = self.cleaned_data["annee_naissance"]
        if annee and not 1900 <= annee <= datetime.date.today().year:
            raise forms.ValidationError("Année de naissance invalide.")
        return annee

    def clean(self):
        data = super().clean()
        nom, prenom = (data.get("nom") or "").strip(), (data.get("prenom") or "").strip()
        if (nom or prenom) and not (nom and prenom):  # an identity is a name and a first name (was a 500)
            self.add_error("prenom" if nom else "nom", "Renseignez le nom et le prénom, ou aucun des deux.")
        return data

    def identite(self) -> dict:
        return {f: self.cleaned_data.get(f) or "" for f in ("nom", "prenom", "telephone", "email", "adresse")}


class EligibiliteForm(forms.ModelForm):
    date_fin_validite = forms.DateField(label="Justificatif valable jusqu'au", required=False, widget=DATE,
                                        help_text="Vide : 3 mois après la vérification (réglage).")

    class Meta:
        model = Eligibilite
        fields = ["public", "date_verification", "date_fin_validite", "commentaire"]
        widgets = {"date_verification": DATE, "commentaire": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_verification"].initial = datetime.date.today
        self.helper = _helper("Ajouter le critère")

    def validate_unique(self):  # the service updates an existing criterion instead
        pass


class EntrepriseSiretField(forms.CharField):
    def clean(self, value):
        value = "".join(str(super().clean(value) or "").split())
        if not value:
            return None
        entreprise = Entreprise.objects.filter(siret=value).first()
        if entreprise is None:
            raise forms.ValidationError("Aucune entreprise connue avec ce SIRET.")
        return entreprise


class EmployeurSelect(forms.Select):
    """The companies of every contract, one group per contract; a short script shows only the group of the contract
    chosen in the form's `marche` field (without script, every group shows)."""

    # An external script (the CSP allows no inline one: core/entetes.py), told which select is its own.
    SCRIPT = '<script src="%s" data-select="%s"></script>'

    def __init__(self, *args, groupes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groupes = groupes  # [(marche_pk or "", label, [(siret, label), ...]), ...]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), **self.attrs}
        id_ = attrs.get("id") or f"id_{name}"
        classes = escape(attrs.get("class", "form-select"))
        options = [f'<option value=""{" selected" if not value else ""}>— Choisir parmi les entreprises du marché —'
                   "</option>"]
        for marche_pk, label, items in self.groupes:
            options.append(f'<optgroup label="{escape(label)}" data-marche="{marche_pk}">')
            for siret, nom in items:
                selected = " selected" if str(value or "") == siret else ""
                options.append(f'<option value="{escape(siret)}"{selected}>{escape(nom)}</option>')
            options.append("</optgroup>")
        html = f'<select name="{escape(name)}" id="{escape(id_)}" class="{classes}">{"".join(options)}</select>'
        return mark_safe(html + self.SCRIPT % (escape(static("js/employeur-select.js")), escape(id_)))  # noqa: S308 (every value above is escaped)


class MiseEnEmploiForm(forms.ModelForm):
    """A placement: the employer is picked among the companies of the chosen contract (awardees, co- and
    sub-contractors); an employer not on the contract (a temp agency, a GEIQ...) is found by SIRET or name."""

    marche = forms.ModelChoiceField(label="Marché", queryset=Marche.objects.none())
    entreprise = EntrepriseSiretField(label="Employeur", required=False)
    entreprise_autre = forms.CharField(
        label="… ou un autre employeur connu (SIRET ou nom)", required=False, max_length=120,
        help_text="Une entreprise qui n'est pas sur le marché (ETTI, AI, GEIQ…) : son SIRET, ou une partie de son "
                  "nom. Une entreprise inconnue se crée d'abord dans « Entreprises ».")
    field_order = ["marche", "entreprise", "entreprise_autre", "modalite", "type_contrat", "date_debut", "date_fin"]

    class Meta:
        model = MiseEnEmploi
        fields = ["marche", "entreprise", "modalite", "type_contrat", "date_debut", "date_fin"]
        widgets = {"date_debut": DATE, "date_fin": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["marche"].queryset = Marche.objects.filter(clauses__type_clause="insertion").distinct().only(
            "pk", "identifiant", "objet")
        self.fields["marche"].label_from_instance = lambda m: f"{m.identifiant} — {m.objet[:70]}"
        groupes = selectors.entreprises_des_marches(self.fields["marche"].queryset)
        if self.instance.pk:
            self.fields["entreprise"].initial = self.instance.entreprise.siret
            if not any(siret == self.instance.entreprise.siret for _, _, items in groupes for siret, _ in items):
                groupes = [("", "Employeur actuel", [(self.instance.entreprise.siret, str(self.instance.entreprise))]),
                           *groupes]
        self.fields["entreprise"].widget = EmployeurSelect(groupes=groupes, attrs={"class": "form-select"})
        self.helper = _helper("Enregistrer la mise en emploi")

    def clean_entreprise_autre(self):
        texte = " ".join((self.cleaned_data.get("entreprise_autre") or "").split())
        if not texte:
            return None
        siret = texte.replace(" ", "")
        if siret.isdigit():
            entreprise = Entreprise.objects.filter(siret=siret).first()
            if entreprise is None:
                raise forms.ValidationError("Aucune entreprise connue avec ce SIRET : créez-la d'abord dans "
                                            "« Entreprises ».")
            return entreprise
        trouvees = list(Entreprise.objects.filter(nom__icontains=texte).order_by("nom", "siret")[:6])
        exactes = [e for e in trouvees if e.nom.casefold() == texte.casefold()]
        if len(exactes) == 1 or len(trouvees) == 1:
            return (exactes or trouvees)[0]
        if not trouvees:
            raise forms.ValidationError(f"Aucune entreprise connue dont le nom contient « {texte} ».")
        raise forms.ValidationError("Plusieurs entreprises correspondent : indiquez le SIRET de l'une d'elles ("
                                    + ", ".join(f"{e.nom} : {e.siret}" for e in trouvees[:5]) + ").")

    def clean(self):
        data = super().clean()
        if data.get("entreprise_autre"):
            data["entreprise"] = data["entreprise_autre"]
        elif not data.get("entreprise") and "entreprise" not in self.errors and "entreprise_autre" not in self.errors:
            self.add_error("entreprise", "Choisissez l'employeur parmi les entreprises du marché, ou indiquez un "
                                         "autre employeur.")
        if data.get("date_debut") and data.get("date_fin") and data["date_fin"] < data["date_debut"]:
            self.add_error("date_fin", "La fin précède le début.")
        champs = ("marche", "entreprise", "modalite", "date_debut")
        if self.instance.pk and not self.errors and all(data.get(c) for c in champs):
            # New dates must still cover the hours already recorded for this placement (a new placement's
            # participant is set by the view after the form: its hours are checked when they are entered).
            apres = MiseEnEmploi(pk=self.instance.pk, participant_id=self.instance.participant_id,
                                 date_fin=data.get("date_fin"), **{c: data[c] for c in champs})
            hors = services.mise_en_emploi_mois_hors(mise=apres)
            if hors:
                self.add_error("date_debut" if hors[0] < data["date_debut"] else "date_fin", (
                    f"Des heures sont enregistrées hors de ces dates ({', '.join(map(services.mois_libelle, hors))}) "
                    f": aucune heure avant le début ni après la fin de l'emploi. Corrigez d'abord ces relevés, "
                    f"ou gardez des dates qui les couvrent."))
        return data


class SortieForm(forms.ModelForm):
    class Meta:
        model = Sortie
        fields = ["date_sortie", "categorie", "detail", "date_suivi_6_mois", "categorie_6_mois", "detail_6_mois"]
        widgets = {"date_sortie": DATE, "date_suivi_6_mois": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if data.get("date_suivi_6_mois") and not data.get("categorie_6_mois"):
            self.add_error("categorie_6_mois", "Indiquez la situation à 6 mois.")
        return data


class ActionForm(forms.ModelForm):
    marche = forms.ModelChoiceField(label="Marché", queryset=Marche.objects.none(), required=False)
    entreprise = EntrepriseSiretField(label="Entreprise (SIRET)", required=False)

    class Meta:
        model = ActionSuivi
        fields = ["quoi", "responsable", "echeance", "marche", "entreprise"]
        widgets = {"echeance": DATE}

    def __init__(self, *args, marche=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsable"].queryset = User.objects.filter(
            role__in=[Role.FACILITATEUR, Role.ADMIN, Role.DCP, Role.ACHETEUR], is_active=True).order_by("last_name")
        self.fields["marche"].queryset = Marche.objects.filter(clauses__type_clause="insertion").distinct().only(
            "pk", "identifiant", "objet")
        self.fields["marche"].label_from_instance = lambda m: f"{m.identifiant} — {m.objet[:70]}"
        if marche is not None:
            self.fields["marche"].initial = marche.pk
        self.helper = _helper("Ajouter l'action")

    def clean(self):
        data = super().clean()
        if not data.get("marche") and not data.get("entreprise"):
            raise forms.ValidationError("Rattachez l'action à un marché ou à une entreprise.")
        return data


class LigneHeuresForm(forms.Form):
    """One row of the monthly grid: placement (participant × company × modality) and its hours."""

    participant_code = forms.CharField(label="Participant", max_length=30, required=False)
    entreprise = forms.TypedChoiceField(label="Entreprise", coerce=int, choices=())
    modalite = forms.ChoiceField(label="Modalité", choices=Modalite.choices)
    type_contrat = forms.ChoiceField(label="Contrat", choices=[("", "—"), *TypeContrat.choices], required=False)
    heures = forms.DecimalField(label="Heures", max_digits=10, decimal_places=2, min_value=Decimal("0"),
                                required=False, localize=True)  # at most heures_max_par_mois(): clean_heures
    montant_ht = forms.DecimalField(label="Montant HT (€)", max_digits=12, decimal_places=2, min_value=Decimal("0"),
                                    required=False, localize=True)

    def __init__(self, *args, entreprises=(), participants=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            css = "form-select form-select-sm" if isinstance(form_field, forms.ChoiceField) else "form-control form-control-sm"
            form_field.widget.attrs.update({"class": css, "aria-label": form_field.label})
            if name in ("heures", "montant_ht"):
                form_field.widget.attrs.update({"inputmode": "decimal", "class": f"{css} champ-etroit"})
        self.fields["entreprise"].choices = [("", "—"), *entreprises]
        self.fields["entreprise"].required = False
        self.participants = participants if participants is not None else {}

    def clean_heures(self):
        heures, maximum = self.cleaned_data.get("heures"), services.heures_max_par_mois()
        if heures is not None and heures > maximum:
            raise forms.ValidationError(
                f"{services.heures_libelle(heures)} dans le mois : au plus {services.heures_libelle(maximum)} par "
                f"personne et par mois ({services.HEURES_MAX_EXPLICATION}).")
        return heures

    def clean(self):
        data = super().clean()
        filled = data.get("heures") is not None or data.get("montant_ht") is not None
        code = (data.get("participant_code") or "").strip()
        if not filled and not code and not data.get("entreprise"):
            data["vide"] = True
            return data
        if not data.get("entreprise"):
            self.add_error("entreprise", "Choisissez l'entreprise.")
        if code:
            participant = self.participants.get(code)
            if participant is None:
                self.add_error("participant_code", f"Participant « {code} » inconnu.")
            data["participant"] = participant
        else:
            data["participant"] = None
            if data.get("modalite") not in ("SOUS_TRAITANCE_SIAE", "CO_TRAITANCE_SIAE") and filled:
                self.add_error("participant_code", "Indiquez le code du participant.")
        if data.get("montant_ht") is not None and data.get("modalite") not in ("SOUS_TRAITANCE_SIAE",
                                                                                "CO_TRAITANCE_SIAE"):
            self.add_error("montant_ht", "Un montant ne s'indique que pour la sous- ou co-traitance à une SIAE.")
        return data


class BaseLigneHeuresFormSet(forms.BaseFormSet):
    """The month's grid of one contract. With `marche` and `mois`, clean() also applies the plausibility rule
    of the hours (services.heures_anomalies: monthly maximum per person, placement dates) and puts each
    anomaly on the row it concerns."""

    def __init__(self, *args, entreprises=(), participants=None, marche=None, mois=None, **kwargs):
        self.entreprises, self.participants = entreprises, participants
        self.marche, self.mois = marche, mois
        super().__init__(*args, **kwargs)

    @property
    def heures_max(self):
        return services.heures_max_par_mois()

    def get_form_kwargs(self, index):
        return {"entreprises": self.entreprises, "participants": self.participants}

    def clean(self):
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("vide") or not data.get("entreprise"):
                continue
            key = ((data.get("participant_code") or "").strip(), data["entreprise"], data.get("modalite"))
            if key in seen:
                form.add_error(None, "Cette ligne (participant, entreprise, modalité) figure deux fois.")
            seen.add(key)
        if self.marche is None or self.mois is None or any(form.errors for form in self.forms):
            return
        lignes = [
            services.HeuresSaisies(
                marche_id=self.marche.pk, participant_id=data["participant"].pk, entreprise_id=data["entreprise"],
                mois=services.premier_du_mois(self.mois), modalite=data["modalite"],
                heures=data.get("heures") or Decimal("0"), ref=index)
            for index, data in ((i, form.cleaned_data) for i, form in enumerate(self.forms))
            if not data.get("vide") and data.get("participant") is not None]
        for anomalie in services.heures_anomalies(lignes):
            for index in anomalie.refs:
                self.forms[index].add_error("heures", anomalie.message)


LigneHeuresFormSet = forms.formset_factory(LigneHeuresForm, formset=BaseLigneHeuresFormSet, extra=3)


class ImportForm(forms.Form):
    type = forms.ChoiceField(label="Contenu", choices=[("heures", "Heures mensuelles"),
                                                        ("participants", "Participants")])
    fichier = forms.FileField(label="Fichier CSV ou XLSX",
                              widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Prévisualiser")

    @property
    def heures_max(self):  # shown beside the columns of an hours file
        return services.heures_max_par_mois()

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        fichier_valider(fichier, (".csv", ".xlsx"))
        return fichier


PUBLIC_CHOICES = Public.choices
