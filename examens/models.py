from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .enums import MotifNonRetenu, StatutExamen


class Examen(models.Model):
    """The examination of a contract before its consultation is launched: the advisor's suggestion (kept as it
    was at opening), the facilitator's opinion, the environmental and ESS questions of the purchase family and
    the DCP's decision. Written only by examens.services (each step recorded in the history: who, when, what)."""

    marche = models.OneToOneField("marches.Marche", verbose_name="marché", on_delete=models.CASCADE,
                                  related_name="examen")
    statut = models.CharField("étape", max_length=12, choices=StatutExamen.choices, default=StatutExamen.AVIS,
                              db_index=True)
    date_lancement_prevue = models.DateField("lancement prévu de la consultation")
    ouvert_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="ouvert par", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    ouvert_le = models.DateTimeField("ouvert le")
    # The advisor's suggestion at opening (clauses.advisor via marches.conseil), as it was shown.
    conseil = models.JSONField("suggestion du conseiller", default=list, blank=True)
    conseil_clause_sociale = models.BooleanField("le conseiller suggère une clause sociale", default=False)
    questions = models.JSONField("questions environnementales et ESS", default=dict, blank=True)

    # The facilitator's opinion.
    avis_clause = models.BooleanField("clause sociale proposée", null=True, blank=True)
    avis_types = models.JSONField("modalités proposées", default=list, blank=True)
    avis_heures = models.DecimalField("heures proposées", max_digits=12, decimal_places=2, null=True, blank=True)
    avis_contexte = models.TextField("contexte local de l'emploi", blank=True)
    avis_motifs = models.TextField("motifs de l'avis", blank=True)
    avis_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="avis donné par", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    avis_le = models.DateTimeField("avis donné le", null=True, blank=True)

    # The DCP's decision.
    decision_types = models.JSONField("considérations retenues", default=list, blank=True)
    decision_heures = models.DecimalField("heures d'insertion décidées", max_digits=12, decimal_places=2, null=True,
                                          blank=True)
    # Set by the service with the decision: at least one social consideration retained (clause, criterion,
    # reservation); the figures count it without reading the JSON list.
    sociale_retenue = models.BooleanField("considération sociale retenue", default=False)
    motif_non_retenu = models.CharField("motif de non-retenue", max_length=20, choices=MotifNonRetenu.choices,
                                        blank=True)
    derogation_justification = models.TextField("justification de la dérogation (L2112-2-1)", blank=True)
    decision_commentaire = models.TextField("commentaire de la décision", blank=True)
    decide_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="décidé par", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decide_le = models.DateTimeField("décidé le", null=True, blank=True)

    lance_le = models.DateField("consultation lancée le", null=True, blank=True)
    lance_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="lancement enregistré par",
                                  on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "examen avant lancement"
        verbose_name_plural = "examens avant lancement"
        ordering = ["date_lancement_prevue", "pk"]
        indexes = [models.Index(fields=["statut", "date_lancement_prevue"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(avis_heures__gte=0) | models.Q(avis_heures__isnull=True),
                                   name="examen_avis_heures_positives"),
            models.CheckConstraint(
                condition=models.Q(decision_heures__gte=0) | models.Q(decision_heures__isnull=True),
                name="examen_decision_heures_positives"),
        ]

    def __str__(self):
        return f"Examen du marché {self.marche}"
