from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .enums import CategorieSortie, Modalite, Public, Sexe, StatutConvention, TypeContrat
from .validators import code_participant_valider


class Convention(models.Model):
    """An agreement under which the facilitators follow a partner buyer's clauses."""

    partenaire = models.ForeignKey("core.Organisation", verbose_name="acheteur partenaire", on_delete=models.PROTECT,
                                   related_name="conventions")
    intitule = models.CharField("intitulé", max_length=255)
    facilitateurs = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="facilitateurs", blank=True,
                                           related_name="conventions")
    date_debut = models.DateField("date de début")
    date_fin = models.DateField("date de fin", null=True, blank=True)
    statut = models.CharField("statut", max_length=10, choices=StatutConvention.choices,
                              default=StatutConvention.BROUILLON)
    marches = models.ManyToManyField("marches.Marche", verbose_name="marchés couverts", blank=True,
                                     related_name="conventions")
    fse_reference = models.CharField("référence FSE", max_length=100, blank=True)
    fse_montant = models.DecimalField("cofinancement FSE (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    globalisation = models.BooleanField("globalisation des heures autorisée", default=False,
                                        help_text="Les heures peuvent être mutualisées entre opérations.")
    history = HistoricalRecords(m2m_fields=[marches, facilitateurs])

    class Meta:
        verbose_name = "convention"
        ordering = ["-date_debut"]

    def __str__(self):
        return self.intitule


class Participant(models.Model):
    """A person in insertion, known by a pseudonymous code. Identity lives in IdentiteParticipant."""

    code = models.CharField("code", max_length=30, unique=True, validators=[code_participant_valider])
    annee_naissance = models.PositiveIntegerField("année de naissance", null=True, blank=True)
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices, default=Sexe.X)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=120, blank=True)
    qpv = models.BooleanField("résident QPV", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "participant"
        ordering = ["code"]

    def __str__(self):
        return self.code


class IdentiteParticipant(models.Model):
    """Personal data, readable only by facilitators and administrators; purged after the retention period."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="identite")
    nom = models.CharField("nom", max_length=120)
    prenom = models.CharField("prénom", max_length=120)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("courriel", blank=True)
    adresse = models.CharField("adresse", max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "identité du participant"

    def __str__(self):
        return f"Identité de {self.participant}"


class Eligibilite(models.Model):
    """One eligibility criterion of a participant, with when and by whom it was checked."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="eligibilites")
    public = models.CharField("public", max_length=12, choices=Public.choices)
    date_verification = models.DateField("vérifié le")
    valide_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="validé par", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    date_fin_validite = models.DateField("justificatif valable jusqu'au")
    commentaire = models.TextField("avis motivé", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "critère d'éligibilité"
        constraints = [models.UniqueConstraint(fields=["participant", "public"], name="eligibilite_unique")]
        # The follow-up home's "proofs expiring within 15 days".
        indexes = [models.Index(fields=["date_fin_validite"], name="eligibilite_fin_validite_idx")]

    def __str__(self):
        return f"{self.participant} — {self.public}"


class MiseEnEmploi(models.Model):
    """A work placement: participant × employer × contract × modality × type of work contract × dates."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="mises_en_emploi")
    entreprise = models.ForeignKey("marches.Entreprise", verbose_name="employeur", on_delete=models.PROTECT,
                                   related_name="mises_en_emploi")
    marche = models.ForeignKey("marches.Marche", on_delete=models.PROTECT, related_name="mises_en_emploi")
    lot = models.ForeignKey("marches.Lot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    modalite = models.CharField("modalité", max_length=30, choices=Modalite.choices)
    type_contrat = models.CharField("type de contrat", max_length=25, choices=TypeContrat.choices)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "mise en emploi"
        verbose_name_plural = "mises en emploi"
        ordering = ["-date_debut"]

    def __str__(self):
        return f"{self.participant} chez {self.entreprise} ({self.get_modalite_display()})"


class HeuresMensuelles(models.Model):
    """Hours worked in a month (relevé d'heures). Key: contract, participant, company, month, modality.
    Sub-contracting to an SIAE is recorded in euros (`montant_ht`) and converted to hours."""

    marche = models.ForeignKey("marches.Marche", on_delete=models.PROTECT, related_name="heures")
    lot = models.ForeignKey("marches.Lot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="heures", null=True,
                                    blank=True)
    entreprise = models.ForeignKey("marches.Entreprise", on_delete=models.PROTECT, related_name="heures")
    mois = models.DateField("mois", help_text="Premier jour du mois.")
    modalite = models.CharField("modalité", max_length=30, choices=Modalite.choices)
    type_contrat = models.CharField("type de contrat", max_length=25, choices=TypeContrat.choices, blank=True)
    heures = models.DecimalField("heures", max_digits=10, decimal_places=2, default=0)
    montant_ht = models.DecimalField("montant sous-traité HT (€)", max_digits=12, decimal_places=2, null=True,
                                     blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "relevé d'heures"
        verbose_name_plural = "relevés d'heures"
        ordering = ["marche", "mois"]
        constraints = [
            models.UniqueConstraint(fields=["marche", "participant", "entreprise", "mois", "modalite"],
                                    name="heures_cle_unique"),
            models.UniqueConstraint(fields=["marche", "entreprise", "mois", "modalite"],
                                    condition=models.Q(participant__isnull=True), name="heures_cle_unique_sans_participant"),
            models.CheckConstraint(condition=models.Q(heures__gte=0), name="heures_positives"),
        ]
        indexes = [models.Index(fields=["mois", "marche"]), models.Index(fields=["entreprise", "mois"])]

    def __str__(self):
        return f"{self.marche_id} {self.mois:%m/%Y} : {self.heures} h"


class Sortie(models.Model):
    """A participant's exit from the clause (DGEFP categories) and the situation 6 months later."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sorties")
    date_sortie = models.DateField("date de sortie")
    categorie = models.CharField("catégorie", max_length=20, choices=CategorieSortie.choices)
    detail = models.CharField("détail", max_length=255, blank=True)
    date_suivi_6_mois = models.DateField("suivi à 6 mois fait le", null=True, blank=True)
    categorie_6_mois = models.CharField("situation à 6 mois", max_length=20, choices=CategorieSortie.choices,
                                        blank=True)
    detail_6_mois = models.CharField("détail à 6 mois", max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "sortie"
        ordering = ["-date_sortie"]
        # The follow-up home's "6-month follow-ups due": the oldest exits still without one, first 50 of them.
        indexes = [models.Index(fields=["date_sortie"], name="sortie_suivi_6_mois_du_idx",
                                condition=models.Q(date_suivi_6_mois__isnull=True))]

    def __str__(self):
        return f"{self.participant} — {self.get_categorie_display()}"


class ActionSuivi(models.Model):
    """The next action on a contract or a company (what, who, by when; done or not), so nobody keeps it in mind."""

    marche = models.ForeignKey("marches.Marche", verbose_name="marché", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="actions_suivi")
    entreprise = models.ForeignKey("marches.Entreprise", verbose_name="entreprise", on_delete=models.CASCADE,
                                   null=True, blank=True, related_name="actions_suivi")
    quoi = models.CharField("action", max_length=255)
    responsable = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="qui", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="actions_suivi")
    echeance = models.DateField("pour le")
    faite = models.BooleanField("faite", default=False, db_index=True)
    date_faite = models.DateField("faite le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "prochaine action"
        verbose_name_plural = "prochaines actions"
        ordering = ["faite", "echeance"]
        constraints = [
            models.CheckConstraint(condition=models.Q(marche__isnull=False) | models.Q(entreprise__isnull=False),
                                   name="action_suivi_marche_ou_entreprise"),
        ]
        indexes = [models.Index(fields=["faite", "echeance"])]

    def __str__(self):
        return self.quoi


class LectureIdentite(models.Model):
    """Each read of a participant's identity (page, form or subject-access export): who, when, why."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="lectures_identite")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="lu par", on_delete=models.SET_NULL, null=True,
                             related_name="+")
    motif = models.CharField("motif", max_length=50, default="consultation")
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "lecture d'identité"
        verbose_name_plural = "lectures d'identité"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.participant} lu par {self.user} le {self.created_at:%d/%m/%Y}"


# --- Summaries of the hour rows (facilitateurs.resumes) ------------------------------------------------------------
# Derived data, written ONLY by the database triggers that facilitateurs.resumes installs on the hour rows and on
# the contracts' buyer: every write of HeuresMensuelles (services, imports, bulk paths, SQL by hand) keeps them
# equal to the rows they sum. A row counts when its hours or its amount is positive (bilans.Perimetre.heures).
# The bilans engine reads them instead of the rows: at national scale ~12 times fewer rows for the sums, and the
# distinct people and companies of a buyer's year without grouping millions of rows.


class _ResumeAnnuel(models.Model):
    """What every summary holds: the buyer of the rows' contract, the year, and how many counted rows it sums."""

    acheteur = models.ForeignKey("core.Organisation", on_delete=models.DO_NOTHING, db_constraint=False,
                                 related_name="+")
    annee = models.IntegerField()
    lignes = models.IntegerField()

    class Meta:
        abstract = True


class ResumeHeuresMarche(_ResumeAnnuel):
    """A contract's counted hour rows of one year (under its buyer), summed: hours (neither training nor an amount
    converted), amounts sub- or co-contracted to an SIAE (converted to hours when read: the rate is a setting) and
    training hours (capped per contract when read)."""

    marche = models.ForeignKey("marches.Marche", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    # In hundredths of an hour or a euro: integer sums, exact and faster to add than numeric.
    heures = models.BigIntegerField()
    euros = models.BigIntegerField()
    formation = models.BigIntegerField()

    class Meta:
        verbose_name = "résumé annuel des heures d'un marché"
        constraints = [models.UniqueConstraint(fields=["acheteur", "marche", "annee"],
                                               name="resume_heures_marche_cle")]
        # The triggers delete the rows left at 0 (facilitateurs.resumes): this index finds them without a scan.
        indexes = [models.Index(fields=["lignes"], condition=models.Q(lignes__lte=0), name="resume_marche_vide")]

    def __str__(self):
        return f"{self.marche_id} {self.annee} : {self.lignes} relevé(s)"


class ResumeParticipantAnnee(_ResumeAnnuel):
    """A person with at least one counted hour row in the year on the buyer's contracts (`lignes`: how many)."""

    participant = models.ForeignKey(Participant, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        verbose_name = "participant d'une année d'un acheteur"
        constraints = [models.UniqueConstraint(fields=["acheteur", "annee", "participant"],
                                               name="resume_participant_cle")]
        indexes = [models.Index(fields=["lignes"], condition=models.Q(lignes__lte=0), name="resume_participant_vide")]

    def __str__(self):
        return f"{self.acheteur_id} {self.annee} {self.participant_id}"


class ResumeEntrepriseAnnee(_ResumeAnnuel):
    """A company with at least one counted hour row in the year on the buyer's contracts (`lignes`: how many)."""

    entreprise = models.ForeignKey("marches.Entreprise", on_delete=models.DO_NOTHING, db_constraint=False,
                                   related_name="+")

    class Meta:
        verbose_name = "entreprise d'une année d'un acheteur"
        constraints = [models.UniqueConstraint(fields=["acheteur", "annee", "entreprise"],
                                               name="resume_entreprise_cle")]
        indexes = [models.Index(fields=["lignes"], condition=models.Q(lignes__lte=0), name="resume_entreprise_vide")]

    def __str__(self):
        return f"{self.acheteur_id} {self.annee} {self.entreprise_id}"
