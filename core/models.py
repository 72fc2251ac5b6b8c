import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .enums import Role, TypeOrganisation
from .utils import departement_from_code_postal


class VisibleParAcheteurQuerySet(models.QuerySet):
    """Objects of a buyer (field `acheteur`): a partner user sees only its own organisation's, anonymous no one."""

    def visibles_par(self, user):
        from .perms import restricted_organisation

        if not (user and user.is_authenticated) or user.role == Role.ENTREPRISE:
            return self.none()  # a company's contact reads its contracts through the declarations app only
        if user.role == Role.PARTENAIRE:
            org = restricted_organisation(user)
            return self.filter(acheteur=org) if org is not None else self.none()
        return self


class OrganisationQuerySet(models.QuerySet):
    def instance(self):
        return self.filter(type=TypeOrganisation.INSTANCE).first()


class Organisation(models.Model):
    """A public buyer (acheteur): the instance's own, a partner under convention, or one known from open data."""

    siret = models.CharField("SIRET", max_length=14, unique=True)
    nom = models.CharField("nom", max_length=255)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    departement = models.CharField("département", max_length=3, blank=True, editable=False)
    type = models.CharField("type", max_length=20, choices=TypeOrganisation.choices,
                            default=TypeOrganisation.OPEN_DATA)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["type"], condition=models.Q(type="instance"), name="une_seule_organisation_instance"
            ),
            models.CheckConstraint(condition=models.Q(siret__regex=r"^[0-9]{14}$"), name="organisation_siret_14_chiffres"),
        ]

    def __str__(self):
        return self.nom

    def save(self, *args, **kwargs):
        self.departement = departement_from_code_postal(self.code_postal)
        super().save(*args, **kwargs)

    @property
    def is_instance(self) -> bool:
        return self.type == TypeOrganisation.INSTANCE


class Direction(models.Model):
    """An operational direction of the instance's own organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="directions")
    nom = models.CharField("nom", max_length=255)
    sigle = models.CharField("sigle", max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "direction"
        ordering = ["nom"]
        constraints = [models.UniqueConstraint(fields=["organisation", "nom"], name="direction_unique_par_organisation")]

    def __str__(self):
        return self.sigle or self.nom


class User(AbstractUser):
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.ACHETEUR)
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="users",
    )
    direction = models.ForeignKey(
        Direction, verbose_name="direction", on_delete=models.SET_NULL, null=True, blank=True, related_name="users"
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self):
        return self.get_full_name() or self.username


class Tache(models.Model):
    """A background job (Celery) whose state users can see: queued, running, done or failed with the reason.
    Heavy work (PDF, large imports and exports) is a Tache; the task itself is a thin wrapper that calls
    the service registered for `type` (see core.jobs)."""

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINEE = "terminee", "Terminée"
        ECHEC = "echec", "Échec"

    type = models.CharField("type", max_length=50, db_index=True)
    parametres = models.JSONField("paramètres", default=dict, blank=True)
    etat = models.CharField("état", max_length=12, choices=Etat.choices, default=Etat.EN_ATTENTE, db_index=True)
    message = models.TextField("message", blank=True)
    resultat = models.JSONField("résultat", default=dict, blank=True)
    fichier = models.FileField("fichier", upload_to="taches/%Y/%m/", blank=True)
    demandee_par = models.ForeignKey(User, verbose_name="demandée par", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="taches")
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="taches")
    tentatives = models.PositiveIntegerField("tentatives", default=0)
    created_at = models.DateTimeField("demandée le", auto_now_add=True)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)

    class Meta:
        verbose_name = "tâche"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.type} #{self.pk} ({self.get_etat_display()})"

    @property
    def est_finie(self) -> bool:
        return self.etat in (self.Etat.TERMINEE, self.Etat.ECHEC)

    @property
    def semble_bloquee(self) -> bool:
        """Running for longer than settings.TACHE_DUREE_SUSPECTE_SECONDES: the pages say so (core.jobs requeues
        or fails a job whose worker died)."""
        if self.etat != self.Etat.EN_COURS or self.started_at is None:
            return False
        limite = datetime.timedelta(seconds=getattr(settings, "TACHE_DUREE_SUSPECTE_SECONDES", 900))
        return timezone.now() - self.started_at > limite


class ImportJournal(models.Model):
    """One import of a file (DECP, register, participants, hours) or one purge of identities: who, when, which
    file, the counts and the report. Bulk imports do not write per-row history; this journal is their record."""

    class Format(models.TextChoices):
        DECP = "decp", "DECP"
        REGISTRE = "registre", "Registre (tableur)"
        PARTICIPANTS = "participants", "Participants"
        HEURES = "heures", "Heures mensuelles"
        PURGE = "purge", "Purge des identités"

    MARCHES = (Format.DECP, Format.REGISTRE)
    FACILITATEURS = (Format.PARTICIPANTS, Format.HEURES, Format.PURGE)

    format = models.CharField("format", max_length=20, choices=Format.choices, db_index=True)
    fichier = models.CharField("fichier", max_length=255, blank=True)
    user = models.ForeignKey(User, verbose_name="par", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    created_at = models.DateTimeField("le", default=timezone.now, editable=False)
    reussi = models.BooleanField("réussi", default=True)
    nb_lus = models.PositiveIntegerField("lignes lues", default=0)
    nb_crees = models.PositiveIntegerField("créés", default=0)
    nb_modifies = models.PositiveIntegerField("modifiés", default=0)
    nb_inchanges = models.PositiveIntegerField("inchangés", default=0)
    nb_anomalies = models.PositiveIntegerField("anomalies", default=0)
    rapport = models.JSONField("rapport", default=dict, blank=True)

    class Meta:
        verbose_name = "import de fichier"
        verbose_name_plural = "journal des imports"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_format_display()} {self.fichier} ({self.created_at:%d/%m/%Y %H:%M})"
