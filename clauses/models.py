from django.db import models
from simple_history.models import HistoricalRecords

from .enums import AxeDiagnostic, ModeCalculHeures, NoteDiagnostic, TypeClause


class FamilleAchat(models.Model):
    """A purchase family (famille d'achat) with its CPV prefixes and the default insertion parameters."""

    nom = models.CharField("nom", max_length=200, unique=True)
    description = models.TextField("description", blank=True)
    prefixes_cpv = models.JSONField("préfixes CPV", default=list, blank=True,
                                    help_text="Ex. [\"45\", \"4521\"] : un marché dont le CPV commence ainsi relève de la famille.")
    part_main_oeuvre = models.DecimalField("part de main-d'œuvre", max_digits=5, decimal_places=4, default=0.5)
    taux_insertion = models.DecimalField("taux d'insertion", max_digits=5, decimal_places=4, default=0.05)
    cout_horaire = models.DecimalField("coût horaire chargé (€)", max_digits=8, decimal_places=2, default=30)
    is_active = models.BooleanField("active", default=True)
    reservation_conseillee = models.CharField(
        "réservation à étudier", max_length=10, blank=True,
        choices=[("EA_ESAT", "Entreprises adaptées et ESAT (L2113-12)"),
                 ("SIAE", "Structures d'insertion par l'activité économique (L2113-13)"),
                 ("ESS", "Entreprises de l'ESS (L2113-15)")],
        help_text="Famille où des structures EA-ESAT, SIAE ou ESS interviennent : le conseiller propose de réserver.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "famille d'achat"
        verbose_name_plural = "familles d'achat"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class ClauseModele(models.Model):
    """A model clause of the library (clausier). Its text lives in versions: editing makes a new version,
    and contracts keep the version they used."""

    titre = models.CharField("titre", max_length=255)
    type_clause = models.CharField("type", max_length=20, choices=TypeClause.choices, db_index=True)
    familles = models.ManyToManyField(FamilleAchat, verbose_name="familles concernées", blank=True,
                                      related_name="clauses_modeles")
    is_active = models.BooleanField("active", default=True, help_text="Une clause archivée n'est plus proposée.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "clause type"
        ordering = ["type_clause", "titre"]

    def __str__(self):
        return self.titre

    @property
    def version_courante(self):
        return self.versions.order_by("-numero").first()


class ClauseModeleVersion(models.Model):
    modele = models.ForeignKey(ClauseModele, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveIntegerField("version")
    texte = models.TextField(
        "texte", help_text="Variables : {montant_ht}, {heures_requises}, {taux_insertion}, {part_main_oeuvre}, "
                           "{cout_horaire}, {delai}, {acheteur}, {objet}."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField("motif de la nouvelle version", max_length=255, blank=True)

    class Meta:
        verbose_name = "version de clause type"
        ordering = ["modele", "-numero"]
        constraints = [models.UniqueConstraint(fields=["modele", "numero"], name="version_clause_unique")]

    def __str__(self):
        return f"{self.modele} (v{self.numero})"


class ClauseMarche(models.Model):
    """A clause put on a contract (or one of its lots), with its parameters. For an insertion clause,
    `heures_requises` is computed by clauses.services from the parameters (or forced, with a reason)."""

    marche = models.ForeignKey("marches.Marche", on_delete=models.CASCADE, related_name="clauses")
    lot = models.ForeignKey("marches.Lot", on_delete=models.CASCADE, null=True, blank=True, related_name="clauses")
    type_clause = models.CharField("type", max_length=20, choices=TypeClause.choices, db_index=True)
    version = models.ForeignKey(ClauseModeleVersion, verbose_name="version de la clause type",
                                on_delete=models.PROTECT, null=True, blank=True, related_name="usages")
    texte = models.TextField("texte rendu", blank=True)
    # Insertion parameters (defaults from the purchase family, each overridable with a reason).
    mode_calcul = models.CharField("mode de calcul", max_length=10, choices=ModeCalculHeures.choices,
                                   default=ModeCalculHeures.TAUX)
    montant_base_ht = models.DecimalField("montant de référence HT (€)", max_digits=15, decimal_places=2, null=True,
                                          blank=True)
    part_main_oeuvre = models.DecimalField("part de main-d'œuvre", max_digits=5, decimal_places=4, null=True,
                                           blank=True)
    taux_insertion = models.DecimalField("taux d'insertion", max_digits=5, decimal_places=4, null=True, blank=True)
    cout_horaire = models.DecimalField("coût horaire (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    euros_par_heure = models.DecimalField("forfait : € facturés par heure", max_digits=10, decimal_places=2,
                                          null=True, blank=True)
    heures_forcees = models.DecimalField("heures requises saisies", max_digits=12, decimal_places=2, null=True,
                                         blank=True)
    motif_derogation = models.TextField("motif des valeurs modifiées", blank=True)
    delai = models.CharField("délai", max_length=100, blank=True,
                             help_text="Remplace {delai} dans le texte ; par défaut, la durée du marché.")
    # Wide enough for any computed value the inputs' own bounds allow (10^13 € at 0.01 €/h), so no input overflows.
    heures_requises = models.DecimalField("heures requises", max_digits=18, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "clause du marché"
        verbose_name_plural = "clauses du marché"
        ordering = ["marche", "type_clause"]
        indexes = [models.Index(fields=["type_clause", "marche"])]

    def __str__(self):
        return f"{self.get_type_clause_display()} — {self.marche}"


class DiagnosticQuestion(models.Model):
    """A question of the self-diagnosis grid, on one axis of the SPASER. `action` is what the tool suggests
    when a family scores low on it."""

    axe = models.CharField("axe", max_length=20, choices=AxeDiagnostic.choices, db_index=True)
    code = models.SlugField("code", max_length=40, unique=True)
    texte = models.CharField("question", max_length=500)
    action = models.TextField("action suggérée si la note est faible", blank=True)
    ordre = models.PositiveIntegerField("ordre", default=0)
    is_active = models.BooleanField("active", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "question d'autodiagnostic"
        ordering = ["axe", "ordre", "id"]

    def __str__(self):
        return self.texte


class Diagnostic(models.Model):
    """The self-diagnosis of one purchase family for one year, filled by the DCP."""

    famille = models.ForeignKey(FamilleAchat, on_delete=models.CASCADE, related_name="diagnostics")
    annee = models.PositiveIntegerField("année")
    commentaire = models.TextField("commentaire", blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "autodiagnostic"
        ordering = ["famille", "-annee"]
        constraints = [models.UniqueConstraint(fields=["famille", "annee"], name="diagnostic_famille_annee_unique")]

    def __str__(self):
        return f"{self.famille} — {self.annee}"


class DiagnosticReponse(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="reponses")
    question = models.ForeignKey(DiagnosticQuestion, on_delete=models.PROTECT, related_name="reponses")
    note = models.PositiveSmallIntegerField("note", choices=NoteDiagnostic.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "réponse d'autodiagnostic"
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "question"], name="diagnostic_reponse_unique"),
            models.CheckConstraint(condition=models.Q(note__lte=3), name="diagnostic_note_0_3"),
        ]

    def __str__(self):
        return f"{self.question.code} : {self.note}"
