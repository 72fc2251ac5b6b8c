"""FSE+ operations and their participants' data at entry, exit and six months after exit.

The person (code, birth year, gender) is facilitateurs.Participant; the exit and the 6-month follow-up are the
participant's facilitateurs.Sortie (one record, not two): a participation holds only what the Sortie does not
(the entry questionnaire, the three exit questions beyond employment, the improved situation at 6 months)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .enums import NiveauEducation, ReponseSensible, SituationEntree

SENSIBLES = ("handicap", "pays_tiers", "origine_etrangere", "minorite", "sans_abri", "zone_rurale")
QUESTIONS_SORTIE = ("sortie_recherche_emploi", "sortie_formation", "sortie_qualification")


class OperationFSE(models.Model):
    """An operation funded by the European Social Fund Plus (programme 2021–2027)."""

    reference = models.CharField("référence de l'opération", max_length=50, unique=True)
    intitule = models.CharField("intitulé", max_length=255)
    date_debut = models.DateField("date de début")
    date_fin = models.DateField("date de fin")
    montant_fse = models.DecimalField("montant FSE+ (€)", max_digits=12, decimal_places=2)
    facilitateurs = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="facilitateurs", blank=True,
                                           related_name="operations_fse")
    conventions = models.ManyToManyField("facilitateurs.Convention", verbose_name="conventions couvertes",
                                         blank=True, related_name="operations_fse")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[facilitateurs, conventions])

    class Meta:
        verbose_name = "opération FSE+"
        verbose_name_plural = "opérations FSE+"
        ordering = ["-date_debut", "reference"]

    def __str__(self):
        return f"{self.reference} — {self.intitule}"


def _sensible(libelle):
    return models.CharField(libelle, max_length=4, choices=ReponseSensible.choices, blank=True)


class ParticipationFSE(models.Model):
    """A participant's entry into an operation, the entry questionnaire, and the answers at exit and 6 months
    that facilitateurs.Sortie does not hold. Sensitive answers are for facilitators' eyes only."""

    operation = models.ForeignKey(OperationFSE, verbose_name="opération", on_delete=models.PROTECT,
                                  related_name="participations")
    participant = models.ForeignKey("facilitateurs.Participant", verbose_name="participant",
                                    on_delete=models.PROTECT, related_name="participations_fse")
    convention = models.ForeignKey("facilitateurs.Convention", verbose_name="convention du partenaire",
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="participations_fse",
                                   help_text="La convention sous laquelle la personne est suivie.")
    date_entree = models.DateField("date d'entrée")
    date_information = models.DateField("informé(e) du traitement des données le")
    situation_entree = models.CharField("situation sur le marché du travail à l'entrée", max_length=10,
                                        choices=SituationEntree.choices, blank=True)
    niveau_education = models.CharField("niveau d'éducation à l'entrée", max_length=10,
                                        choices=NiveauEducation.choices, blank=True)
    handicap = _sensible("personne handicapée")
    pays_tiers = _sensible("ressortissant(e) de pays tiers")
    origine_etrangere = _sensible("personne d'origine étrangère")
    minorite = _sensible("membre d'une minorité (y compris communautés marginalisées telles que les Roms)")
    sans_abri = _sensible("sans domicile ou exclu(e) du logement")
    zone_rurale = _sensible("réside dans une zone rurale")
    sortie_recherche_emploi = models.BooleanField("à la recherche d'un emploi à la sortie", null=True, blank=True)
    sortie_formation = models.BooleanField("suit un enseignement ou une formation à la sortie", null=True, blank=True)
    sortie_qualification = models.BooleanField("a obtenu une qualification à la sortie", null=True, blank=True)
    situation_amelioree_6_mois = models.BooleanField("situation sur le marché du travail améliorée six mois après",
                                                     null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "participation FSE+"
        verbose_name_plural = "participations FSE+"
        ordering = ["operation", "date_entree", "participant"]
        constraints = [models.UniqueConstraint(fields=["operation", "participant"], name="participation_fse_unique")]
        indexes = [models.Index(fields=["date_entree"])]

    def __str__(self):
        return f"{self.participant} — {self.operation.reference}"
