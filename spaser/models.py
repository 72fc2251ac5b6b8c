"""The SPASER (schéma de promotion des achats socialement et écologiquement responsables).

A `Spaser` row is one version of the scheme (draft, adopted, in force, replaced) with its period and the
buyers it covers; axes → objectives → indicators (baseline, a target per year, values from the engine or
entered by hand per buyer) and actions hang from it, with the strategic documents it relies on.
`Programmation` is the forecast of upcoming purchases the DCP publishes for companies.
What the public site shows is marked `published`."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clauses.enums import TypeClause

from .enums import (
    Sens,
    SourceIndicateur,
    StatutAction,
    StatutSpaser,
    Trimestre,
    TypeAxe,
    TypeDocument,
    Unite,
)
from .figures import FIGURES, figure_choices

ANNEE = [MinValueValidator(2000), MaxValueValidator(2100)]


class SpaserQuerySet(models.QuerySet):
    def en_vigueur(self):
        return self.filter(statut=StatutSpaser.EN_VIGUEUR)

    def publics(self):
        """What the public site may show: the scheme in force, marked published."""
        return self.filter(statut=StatutSpaser.EN_VIGUEUR, published=True)


class Spaser(models.Model):
    titre = models.CharField("titre", max_length=255)
    version = models.CharField("version", max_length=30, default="1",
                               help_text="Ex. « 1 », « 2 — révision 2026 ».")
    statut = models.CharField("statut", max_length=12, choices=StatutSpaser.choices, default=StatutSpaser.BROUILLON,
                              db_index=True)
    annee_debut = models.PositiveIntegerField("première année", validators=ANNEE)
    annee_fin = models.PositiveIntegerField("dernière année", validators=ANNEE)
    acheteurs = models.ManyToManyField("core.Organisation", verbose_name="acheteurs couverts",
                                       related_name="spasers",
                                       help_text="Un schéma commun peut couvrir plusieurs acheteurs ; "
                                                 "les indicateurs restent calculés acheteur par acheteur.")
    date_adoption = models.DateField("date d'adoption", null=True, blank=True)
    reference_deliberation = models.CharField("référence de la délibération", max_length=120, blank=True)
    annee_depart_publication = models.PositiveIntegerField(
        "année de départ des publications", null=True, blank=True, validators=ANNEE,
        help_text="Les indicateurs sont publiés tous les deux ans à compter de cette année (à défaut, "
                  "de la date d'adoption).")
    preambule = models.TextField("préambule", blank=True)
    precedent = models.ForeignKey("self", verbose_name="version précédente", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="versions_suivantes")
    published = models.BooleanField("publié sur le site public", default=False,
                                    help_text="Seul le schéma en vigueur et publié apparaît sur le site public.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[acheteurs])

    objects = SpaserQuerySet.as_manager()

    class Meta:
        verbose_name = "SPASER"
        verbose_name_plural = "SPASER"
        ordering = ["-annee_debut", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(annee_fin__gte=models.F("annee_debut")),
                                   name="spaser_periode_ordonnee"),
        ]

    def __str__(self):
        return f"{self.titre} ({self.annee_debut}–{self.annee_fin}, v{self.version})"

    @property
    def annees(self) -> list[int]:
        return list(range(self.annee_debut, self.annee_fin + 1))

    @property
    def est_modifiable(self) -> bool:
        return self.statut != StatutSpaser.REMPLACE


class Axe(models.Model):
    spaser = models.ForeignKey(Spaser, on_delete=models.CASCADE, related_name="axes")
    type_axe = models.CharField("type", max_length=20, choices=TypeAxe.choices, default=TypeAxe.AUTRE)
    titre = models.CharField("titre", max_length=255)
    description = models.TextField("description", blank=True)
    ordre = models.PositiveIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "axe"
        ordering = ["spaser", "ordre", "pk"]

    def __str__(self):
        return self.titre


class Objectif(models.Model):
    axe = models.ForeignKey(Axe, on_delete=models.CASCADE, related_name="objectifs")
    titre = models.CharField("titre", max_length=255)
    description = models.TextField("description", blank=True)
    ordre = models.PositiveIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "objectif"
        ordering = ["axe", "ordre", "pk"]

    def __str__(self):
        return self.titre


class Indicateur(models.Model):
    """An indicator: bound to a figure of the engine, or entered by hand (per buyer and year) with its source."""

    objectif = models.ForeignKey(Objectif, on_delete=models.CASCADE, related_name="indicateurs")
    libelle = models.CharField("libellé", max_length=255)
    source_type = models.CharField("origine des valeurs", max_length=10, choices=SourceIndicateur.choices,
                                   default=SourceIndicateur.MOTEUR)
    figure = models.CharField("donnée calculée", max_length=80, choices=figure_choices, blank=True,
                              help_text="Pour un indicateur calculé : la donnée du moteur d'indicateurs.")
    source = models.CharField("source", max_length=255, blank=True,
                              help_text="Pour un indicateur saisi : d'où vient la valeur (rapport, service…).")
    unite = models.CharField("unité", max_length=10, choices=Unite.choices, default=Unite.POURCENT)
    sens = models.CharField("sens", max_length=10, choices=Sens.choices, default=Sens.HAUSSE)
    annee_reference = models.PositiveIntegerField("année de référence", null=True, blank=True, validators=ANNEE)
    valeur_reference = models.DecimalField("valeur de référence", max_digits=16, decimal_places=4, null=True,
                                           blank=True, help_text="Pourcentages en fraction : 0,30 pour 30 %.")
    ordre = models.PositiveIntegerField("ordre", default=0)
    published = models.BooleanField("publié sur le site public", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "indicateur"
        ordering = ["objectif", "ordre", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source_type="moteur") | ~models.Q(figure=""), name="indicateur_calcule_a_une_figure"
            ),
        ]

    def __str__(self):
        return self.libelle

    @property
    def est_calcule(self) -> bool:
        return self.source_type == SourceIndicateur.MOTEUR

    @property
    def figure_libelle(self) -> str:
        figure = FIGURES.get(self.figure)
        return figure.libelle if figure else ""


class Cible(models.Model):
    indicateur = models.ForeignKey(Indicateur, on_delete=models.CASCADE, related_name="cibles")
    annee = models.PositiveIntegerField("année", validators=ANNEE)
    valeur = models.DecimalField("cible", max_digits=16, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cible"
        ordering = ["indicateur", "annee"]
        constraints = [models.UniqueConstraint(fields=["indicateur", "annee"], name="cible_unique_par_annee")]

    def __str__(self):
        return f"{self.indicateur} {self.annee} : {self.valeur}"


class ValeurManuelle(models.Model):
    """The actual value of a hand-entered indicator for one buyer and one year."""

    indicateur = models.ForeignKey(Indicateur, on_delete=models.CASCADE, related_name="valeurs")
    acheteur = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+")
    annee = models.PositiveIntegerField("année", validators=ANNEE)
    valeur = models.DecimalField("valeur", max_digits=16, decimal_places=4)
    source = models.CharField("source", max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "valeur saisie"
        verbose_name_plural = "valeurs saisies"
        ordering = ["indicateur", "acheteur", "annee"]
        constraints = [models.UniqueConstraint(fields=["indicateur", "acheteur", "annee"],
                                               name="valeur_manuelle_unique")]

    def __str__(self):
        return f"{self.indicateur} {self.acheteur} {self.annee} : {self.valeur}"


class Action(models.Model):
    spaser = models.ForeignKey(Spaser, on_delete=models.CASCADE, related_name="actions")
    objectif = models.ForeignKey(Objectif, verbose_name="objectif", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="actions")
    titre = models.CharField("titre", max_length=255)
    description = models.TextField("description", blank=True)
    direction = models.ForeignKey("core.Direction", verbose_name="direction pilote", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="actions_spaser")
    echeance = models.DateField("échéance", null=True, blank=True)
    statut = models.CharField("statut", max_length=12, choices=StatutAction.choices, default=StatutAction.A_LANCER)
    published = models.BooleanField("publiée sur le site public", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "action"
        ordering = ["spaser", "echeance", "pk"]

    def __str__(self):
        return self.titre

    @property
    def en_retard(self) -> bool:
        """Past its due date and neither done nor abandoned."""
        return (self.echeance is not None and self.statut in (StatutAction.A_LANCER, StatutAction.EN_COURS)
                and self.echeance < timezone.localdate())

    @property
    def statut_affiche(self) -> str:
        """The status people read (public site, bilan, scheme page): « En retard » once overdue."""
        return "En retard" if self.en_retard else str(self.get_statut_display())


class DocumentStrategique(models.Model):
    spaser = models.ForeignKey(Spaser, on_delete=models.CASCADE, related_name="documents")
    type_document = models.CharField("type", max_length=10, choices=TypeDocument.choices, default=TypeDocument.AUTRE)
    titre = models.CharField("titre", max_length=255)
    url = models.URLField("adresse (URL)", max_length=500, blank=True)
    published = models.BooleanField("publié sur le site public", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "document stratégique"
        verbose_name_plural = "documents stratégiques"
        ordering = ["spaser", "type_document", "titre"]

    def __str__(self):
        return self.titre


class ProgrammationQuerySet(models.QuerySet):
    def publiees(self):
        return self.filter(published=True)


class Programmation(models.Model):
    """An upcoming purchase (programmation des achats), published for companies to prepare their bids."""

    acheteur = models.ForeignKey("core.Organisation", verbose_name="acheteur", on_delete=models.PROTECT,
                                 related_name="programmations")
    objet = models.CharField("objet", max_length=500)
    famille = models.ForeignKey("clauses.FamilleAchat", verbose_name="famille d'achat", on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="programmations")
    direction = models.ForeignKey("core.Direction", verbose_name="direction", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="programmations")
    montant_estime_ht = models.DecimalField("montant estimé HT (€)", max_digits=15, decimal_places=2, null=True,
                                            blank=True, validators=[MinValueValidator(0)])
    annee = models.PositiveIntegerField("année de lancement prévue", validators=ANNEE)
    trimestre = models.PositiveSmallIntegerField("trimestre de lancement prévu", choices=Trimestre.choices)
    types_clauses = models.JSONField("clauses prévues (types)", default=list, blank=True)
    clauses_prevues = models.TextField("clauses prévues (précisions)", blank=True)
    contact = models.CharField("contact", max_length=255, blank=True,
                               help_text="Un contact de service (ex. commande.publique@…), jamais une adresse "
                                         "personnelle : il est publié.")
    published = models.BooleanField("publiée sur le site public", default=False)
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ProgrammationQuerySet.as_manager()

    class Meta:
        verbose_name = "achat programmé"
        verbose_name_plural = "programmation des achats"
        ordering = ["annee", "trimestre", "objet"]
        indexes = [models.Index(fields=["published", "annee", "trimestre"])]

    def __str__(self):
        return self.objet

    @property
    def periode(self) -> str:
        return f"T{self.trimestre} {self.annee}"

    @property
    def types_clauses_libelles(self) -> list[str]:
        labels = dict(TypeClause.choices)
        return [str(labels.get(value, value)) for value in self.types_clauses or []]
