from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import Tache, VisibleParAcheteurQuerySet


class BilanQuerySet(VisibleParAcheteurQuerySet):
    pass


class Bilan(models.Model):
    """A generated annual bilan (PDF): who asked, when, with which parameters; its state is its Tache's."""

    acheteur = models.ForeignKey("core.Organisation", verbose_name="acheteur", on_delete=models.PROTECT,
                                 related_name="bilans")
    annee = models.PositiveIntegerField("année")
    depuis = models.PositiveIntegerField("cumul depuis", null=True, blank=True,
                                         help_text="Vide : première année avec des heures.")
    direction = models.ForeignKey("core.Direction", verbose_name="direction", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    famille = models.ForeignKey("clauses.FamilleAchat", verbose_name="famille d'achat", on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="+")
    convention = models.ForeignKey("facilitateurs.Convention", verbose_name="convention", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="bilans")
    demande_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="demandé par", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="bilans")
    tache = models.ForeignKey("core.Tache", verbose_name="tâche", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="bilans")
    fichier = models.FileField("fichier PDF", upload_to="bilans/%Y/", blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    generated_at = models.DateTimeField("produit le", null=True, blank=True)
    # The key figures of the produced bilan (bilans.definitions.chiffres_cles, formatted), stored by its job so
    # that a home page shows them without computing anything.
    chiffres = models.JSONField("chiffres clés", default=list, blank=True, editable=False)
    history = HistoricalRecords()

    objects = BilanQuerySet.as_manager()

    class Meta:
        verbose_name = "bilan annuel"
        verbose_name_plural = "bilans annuels"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Bilan {self.annee} — {self.acheteur}"

    @property
    def etat(self) -> str:
        if self.tache_id is None:
            return "terminee" if self.fichier else "en_attente"
        return self.tache.etat

    @property
    def etat_libelle(self) -> str:
        return Tache.Etat(self.etat).label

    @property
    def message(self) -> str:
        return self.tache.message if self.tache_id else ""

    def parametres(self) -> dict:
        return {"acheteur": self.acheteur_id, "annee": self.annee, "depuis": self.depuis,
                "direction": self.direction_id, "famille": self.famille_id, "convention": self.convention_id}

    def nom_fichier(self) -> str:
        suffixe = f"-convention-{self.convention_id}" if self.convention_id else ""
        return f"bilan-{self.annee}-{self.acheteur.siret}{suffixe}.pdf"


class FiguresCalculees(models.Model):
    """The indicators of one scope (bilans.figures), computed by a job and served to the pages as they are: no
    request computes an aggregate over the hours. `version` is the data version (core/donnees.py) read before the
    computation: the figures are current while it has not moved; otherwise they are served with their date while
    the job `tache` recomputes them. Derived data, rebuilt at will: no history."""

    cle = models.CharField("clé", max_length=64, unique=True)
    parametres = models.JSONField("périmètre", default=dict)
    version = models.BigIntegerField("version des données", null=True, blank=True)
    donnees = models.BinaryField("chiffres", null=True, blank=True, editable=False)
    calcule_le = models.DateTimeField("calculés le", null=True, blank=True)
    tache = models.ForeignKey("core.Tache", verbose_name="tâche de calcul", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")

    class Meta:
        verbose_name = "chiffres calculés"
        verbose_name_plural = "chiffres calculés"

    def __str__(self):
        return f"Chiffres {self.parametres} (version {self.version})"
