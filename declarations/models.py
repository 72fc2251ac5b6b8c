"""A company's contacts and its monthly declarations of insertion hours, with their proofs.

A contact is a `core.User` of role `entreprise` linked to one company (`ContactEntreprise`); deactivating the
contact deactivates its user. A declaration (contract × company × month) lists the hours of each person employed
under the clause; once the facilitator validates it, its lines become the month's `HeuresMensuelles` (each line
keeps the row it wrote: who declared, who validated, which row)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from facilitateurs.enums import Modalite, TypeContrat

from .enums import StatutDeclaration


class StockageJustificatifs(FileSystemStorage):
    """Proofs live outside the web root (settings.JUSTIFICATIFS_ROOT, never under MEDIA_ROOT, no URL): they are
    served only by declarations.views.justificatif, which checks who asks."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.JUSTIFICATIFS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Un justificatif n'a pas d'adresse publique.")


stockage_justificatifs = StockageJustificatifs()


def _stockage():
    return stockage_justificatifs


class ContactEntreprise(models.Model):
    """A contact person of a company: a user of role `entreprise`. A company may have several."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="utilisateur", on_delete=models.PROTECT,
                                related_name="contact_entreprise")
    entreprise = models.ForeignKey("marches.Entreprise", verbose_name="entreprise", on_delete=models.PROTECT,
                                   related_name="contacts")
    invite_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="invité par", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    invite_le = models.DateTimeField("invité le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "contact d'entreprise"
        verbose_name_plural = "contacts d'entreprise"
        ordering = ["entreprise", "user__email"]

    def __str__(self):
        return f"{self.user.email or self.user.username} ({self.entreprise})"


class DeclarationQuerySet(models.QuerySet):
    def comptant_pour_le_mois(self):
        """Declarations that cover their month: waiting for validation or validated (a sent-back one does not)."""
        return self.filter(statut__in=(StatutDeclaration.EN_ATTENTE, StatutDeclaration.VALIDEE))


class Declaration(models.Model):
    """A company's monthly declaration of insertion hours on one contract."""

    marche = models.ForeignKey("marches.Marche", verbose_name="marché", on_delete=models.PROTECT,
                               related_name="declarations")
    entreprise = models.ForeignKey("marches.Entreprise", verbose_name="entreprise", on_delete=models.PROTECT,
                                   related_name="declarations")
    mois = models.DateField("mois", help_text="Premier jour du mois.")
    statut = models.CharField("statut", max_length=12, choices=StatutDeclaration.choices,
                              default=StatutDeclaration.EN_ATTENTE, db_index=True)
    commentaire = models.TextField("commentaire de l'entreprise", blank=True)
    declaree_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="déclarée par", on_delete=models.PROTECT,
                                     related_name="+")
    declaree_le = models.DateTimeField("déclarée le", auto_now_add=True)
    traitee_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="validée ou renvoyée par",
                                    on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    traitee_le = models.DateTimeField("validée ou renvoyée le", null=True, blank=True)
    motif_renvoi = models.TextField("motif du renvoi", blank=True)
    history = HistoricalRecords()

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = "déclaration mensuelle"
        verbose_name_plural = "déclarations mensuelles"
        ordering = ["-mois", "-declaree_le"]
        constraints = [
            models.UniqueConstraint(fields=["marche", "entreprise", "mois"], condition=models.Q(statut="en_attente"),
                                    name="declaration_une_en_attente_par_mois"),
        ]
        indexes = [models.Index(fields=["entreprise", "marche", "mois"])]

    def __str__(self):
        return f"Déclaration {self.mois:%m/%Y} — {self.entreprise} — {self.marche_id}"


class LigneDeclaration(models.Model):
    """The hours of one person (a participant the facilitator linked to the company, or a new person the company
    proposes and the facilitator qualifies), or an amount sub- or co-contracted to an SIAE (in euros)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="lignes")
    participant = models.ForeignKey("facilitateurs.Participant", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    personne_proposee = models.CharField("nouvelle personne (nom et prénom)", max_length=150, blank=True)
    modalite = models.CharField("modalité", max_length=30, choices=Modalite.choices)
    type_contrat = models.CharField("type de contrat", max_length=25, choices=TypeContrat.choices, blank=True)
    heures = models.DecimalField("heures", max_digits=8, decimal_places=2, null=True, blank=True)
    montant_ht = models.DecimalField("montant sous-traité HT (€)", max_digits=12, decimal_places=2, null=True,
                                     blank=True)
    heures_mensuelles = models.ForeignKey("facilitateurs.HeuresMensuelles", verbose_name="relevé écrit",
                                          on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "ligne de déclaration"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(heures__gte=0) | models.Q(heures__isnull=True),
                                   name="ligne_declaration_heures_positives"),
            models.CheckConstraint(condition=models.Q(montant_ht__gte=0) | models.Q(montant_ht__isnull=True),
                                   name="ligne_declaration_montant_positif"),
        ]

    def __str__(self):
        return f"Ligne {self.pk} de la déclaration {self.declaration_id}"


class Justificatif(models.Model):
    """A proof (pay slip, work contract, SIAE invoice): PDF or image, size-limited, stored outside the web root."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="justificatifs")
    fichier = models.FileField("fichier", storage=_stockage, upload_to="%Y/%m/")
    nom = models.CharField("nom du fichier", max_length=255)
    type_contenu = models.CharField("type", max_length=40)
    taille = models.PositiveIntegerField("taille (octets)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "justificatif"
        ordering = ["pk"]

    def __str__(self):
        return self.nom
