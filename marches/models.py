from django.db import models
from simple_history.models import HistoricalRecords

from core.indexes import IndexNullsLast
from core.models import VisibleParAcheteurQuerySet
from core.utils import departement_from_code_postal, siret_ok

from .enums import (
    CCAG,
    Categorie,
    FormePrix,
    Nature,
    Origine,
    Procedure,
    RoleEntreprise,
    StatutConformite,
    TypeGroupement,
    TypeIdentifiant,
    TypeLieu,
    TypeReservation,
    TypeStructure,
)


class Entreprise(models.Model):
    """A company (entreprise): awardee, co-contractor, sub-contractor or employer of participants."""

    siret = models.CharField("SIRET ou identifiant", max_length=20, unique=True)
    type_identifiant = models.CharField(
        "type d'identifiant", max_length=10, choices=TypeIdentifiant.choices, default=TypeIdentifiant.SIRET
    )
    nom = models.CharField("raison sociale", max_length=255, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    departement = models.CharField("département", max_length=3, blank=True, editable=False, db_index=True)
    type_structure = models.CharField(
        "type de structure", max_length=10, choices=TypeStructure.choices, default=TypeStructure.AUTRE, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "entreprise"
        ordering = ["nom"]

    def __str__(self):
        return self.nom or self.siret

    def save(self, *args, **kwargs):
        # A column of this row only; the contracts searched by this company's name: marches.services.
        self.departement = departement_from_code_postal(self.code_postal)
        super().save(*args, **kwargs)

    @property
    def siret_valide(self) -> bool:
        return self.type_identifiant != TypeIdentifiant.SIRET or siret_ok(self.siret)


def consideration_sociale(prefix: str = "") -> models.Q:
    """The ONE condition "the contract carries a social consideration": a social clause, a social award criterion
    or a reserved contract. Used by the queryset, the partial index, the list's filter and the indicator engine
    (`prefix`: a path to the contract, e.g. "marche__")."""
    return (models.Q(**{f"{prefix}clause_sociale": True}) | models.Q(**{f"{prefix}critere_social": True})
            | models.Q(**{f"{prefix}marche_reserve": True}))


def consideration_environnementale(prefix: str = "") -> models.Q:
    """The ONE condition "the contract carries an environmental consideration": a clause or an award criterion."""
    return models.Q(**{f"{prefix}clause_environnementale": True}) | models.Q(**{f"{prefix}critere_environnemental": True})


class MarcheQuerySet(VisibleParAcheteurQuerySet):
    def avec_consideration_sociale(self):
        return self.filter(consideration_sociale())

    def avec_consideration_environnementale(self):
        return self.filter(consideration_environnementale())


class Marche(models.Model):
    """A contract (marché public, or contrat de concession) as awarded. In DECP a lot is published
    as its own contract; a contract entered here may also be split into Lot rows."""

    acheteur = models.ForeignKey(
        "core.Organisation", verbose_name="acheteur", on_delete=models.PROTECT, related_name="marches"
    )
    direction = models.ForeignKey(
        "core.Direction", verbose_name="direction", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="marches",
    )
    famille = models.ForeignKey(
        "clauses.FamilleAchat", verbose_name="famille d'achat", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="marches",
    )
    categorie = models.CharField("catégorie", max_length=12, choices=Categorie.choices, default=Categorie.MARCHE)
    identifiant = models.CharField("identifiant", max_length=32, blank=True, db_index=True,
                                   help_text="Identifiant propre à l'acheteur (16 caractères au plus en DECP).")
    # Real files reuse one id for several contracts (lots) or leave it empty: the import keeps them
    # apart with this discriminator; (acheteur, identifiant, discriminant) is unique.
    discriminant = models.CharField(max_length=64, blank=True, default="", editable=False)
    objet = models.TextField("objet")
    code_cpv = models.CharField("code CPV", max_length=10, blank=True, db_index=True)
    nature = models.CharField("nature", max_length=40, choices=Nature.choices, default=Nature.MARCHE)
    procedure = models.CharField("procédure", max_length=80, choices=Procedure.choices, blank=True)
    techniques = models.JSONField("techniques d'achat", default=list, blank=True)
    modalites_execution = models.JSONField("modalités d'exécution", default=list, blank=True)
    ccag = models.CharField("CCAG", max_length=60, choices=CCAG.choices, blank=True)
    forme_prix = models.CharField("forme du prix", max_length=12, choices=FormePrix.choices, blank=True)
    types_prix = models.JSONField("types de prix", default=list, blank=True)
    type_groupement = models.CharField(
        "groupement d'opérateurs", max_length=20, choices=TypeGroupement.choices, default=TypeGroupement.AUCUN
    )
    marche_innovant = models.BooleanField("marché innovant", default=False)
    attribution_avance = models.BooleanField("avance attribuée", default=False)
    taux_avance = models.DecimalField("taux de l'avance", max_digits=5, decimal_places=4, null=True, blank=True)
    sous_traitance_declaree = models.BooleanField("sous-traitance déclarée", default=False)
    id_accord_cadre = models.CharField("identifiant de l'accord-cadre", max_length=32, blank=True)
    origine_ue = models.DecimalField("part UE", max_digits=5, decimal_places=4, null=True, blank=True)
    origine_france = models.DecimalField("part France", max_digits=5, decimal_places=4, null=True, blank=True)

    valeur_estimee_ht = models.DecimalField("valeur estimée HT (€)", max_digits=15, decimal_places=2, null=True,
                                            blank=True)
    montant_ht = models.DecimalField("montant notifié HT (€)", max_digits=15, decimal_places=2, null=True, blank=True,
                                     help_text="Montant en vigueur, avenants compris.")
    montant_initial_ht = models.DecimalField("montant initial HT (€)", max_digits=15, decimal_places=2, null=True,
                                             blank=True)
    duree_mois = models.PositiveIntegerField("durée (mois)", null=True, blank=True)
    duree_initiale_mois = models.PositiveIntegerField("durée initiale (mois)", null=True, blank=True)
    date_lancement = models.DateField("date de lancement de la consultation", null=True, blank=True, db_index=True)
    date_notification = models.DateField("date de notification", null=True, blank=True, db_index=True)
    date_publication_donnees = models.DateField("date de publication des données", null=True, blank=True)
    date_debut = models.DateField("date de début d'exécution", null=True, blank=True)
    date_fin = models.DateField("date de fin d'exécution", null=True, blank=True)
    lieu_code = models.CharField("lieu d'exécution (code)", max_length=10, blank=True)
    lieu_type_code = models.CharField("type de code du lieu", max_length=20, choices=TypeLieu.choices,
                                      default=TypeLieu.CODE_POSTAL, blank=True)
    lieu_nom = models.CharField("lieu d'exécution", max_length=255, blank=True)
    offres_recues = models.PositiveIntegerField("offres reçues", null=True, blank=True)

    # Effective social and environmental considerations (published in DECP): declared OR derived from the
    # clauses, computed by marches.etat (never typed).
    clause_sociale = models.BooleanField("clause sociale", default=False, db_index=True)
    critere_social = models.BooleanField("critère social", default=False)
    marche_reserve = models.BooleanField("marché réservé", default=False)
    type_reservation = models.CharField("type de réservation", max_length=10, choices=TypeReservation.choices,
                                        blank=True)
    clause_environnementale = models.BooleanField("clause environnementale", default=False, db_index=True)
    critere_environnemental = models.BooleanField("critère environnemental", default=False)
    # What the buyer (form, register) or a DECP file declared, apart from the clauses. The six fields above are
    # the contract's effective considerations: declared OR derived from its clauses (marches.etat).
    clause_sociale_declaree = models.BooleanField("clause sociale déclarée", default=False)
    critere_social_declare = models.BooleanField("critère social déclaré", default=False)
    marche_reserve_declare = models.BooleanField("marché réservé déclaré", default=False)
    type_reservation_declare = models.CharField("type de réservation déclaré", max_length=10,
                                                choices=TypeReservation.choices, blank=True)
    clause_environnementale_declaree = models.BooleanField("clause environnementale déclarée", default=False)
    critere_environnemental_declare = models.BooleanField("critère environnemental déclaré", default=False)
    # 2026 obligations: a recorded, justified waiver of the social execution condition (L2112-2-1).
    derogation_sociale = models.BooleanField("dérogation à la condition sociale", default=False)
    derogation_justification = models.TextField("justification de la dérogation", blank=True)

    # Legal compliance (2026 obligations), computed by marches.etat on every write so lists can filter
    # 100,000 contracts on an index; `manquements` lists what is missing (or would be, before the law applied).
    statut_conformite = models.CharField("conformité", max_length=12, choices=StatutConformite.choices,
                                         default=StatutConformite.NON_SOUMIS, db_index=True)
    manquements = models.JSONField("manquements", default=list, blank=True)

    origine = models.CharField("origine", max_length=10, choices=Origine.choices, default=Origine.SAISIE)
    # The id published in DECP (16 characters at most), assigned once and kept: the buyer's own id when it fits,
    # else one made by the export; the DECP import recognises a contract by it.
    decp_id = models.CharField("identifiant publié (DECP)", max_length=16, blank=True, default="", db_index=True)
    # Fingerprint of the DECP record last imported into this contract: re-importing the same record is a no-op.
    decp_empreinte = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Normalised text searched by the list (marches.search): identifier, object, companies' names and SIRETs.
    recherche = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = MarcheQuerySet.as_manager()

    # Not stored: what the last derivation of this instance changed (marches.etat.EtatDerive), set by the
    # services so that a view can tell the user (compliance before -> after, warnings).
    etat_derive = None

    class Meta:
        verbose_name = "marché"
        ordering = ["-date_notification", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["acheteur", "identifiant", "discriminant"], name="marche_cle_unique"),
            # The published id names one contract of its buyer (the DECP import finds a contract by it).
            models.UniqueConstraint(fields=["acheteur", "decp_id"], condition=~models.Q(decp_id=""),
                                    name="marche_decp_id_unique"),
            models.CheckConstraint(condition=models.Q(montant_ht__gte=0) | models.Q(montant_ht__isnull=True),
                                   name="marche_montant_positif"),
        ]
        indexes = [
            models.Index(fields=["acheteur", "date_notification"]),
            models.Index(fields=["montant_ht"], name="marche_montant_idx"),
            # The list's "with a social / environmental consideration" filters (same predicates as the filter).
            models.Index(fields=["date_notification"], name="marche_cons_sociale_idx",
                         condition=consideration_sociale()),
            models.Index(fields=["date_notification"], name="marche_cons_env_idx",
                         condition=consideration_environnementale()),
            # The facilitator's home (latest end first; contracts starting soon or running) and the clauses index
            # (contracts without clause, latest launch first): the first rows without sorting 100,000 contracts.
            IndexNullsLast(models.F("date_fin").desc(nulls_last=True), "id", name="marche_fin_id_idx"),
            models.Index(fields=["date_debut"], name="marche_debut_idx"),
            models.Index(fields=["date_lancement", "id"], name="marche_lancement_id_idx"),
        ]

    def __str__(self):
        return f"{self.identifiant or 'sans identifiant'} — {self.objet[:80]}"

    @property
    def a_consideration_sociale(self) -> bool:
        return self.clause_sociale or self.critere_social or self.marche_reserve

    @property
    def a_consideration_environnementale(self) -> bool:
        return self.clause_environnementale or self.critere_environnemental


class Lot(models.Model):
    marche = models.ForeignKey(Marche, on_delete=models.CASCADE, related_name="lots")
    numero = models.PositiveIntegerField("numéro")
    intitule = models.CharField("intitulé", max_length=500)
    montant_ht = models.DecimalField("montant HT (€)", max_digits=15, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "lot"
        ordering = ["marche", "numero"]
        constraints = [models.UniqueConstraint(fields=["marche", "numero"], name="lot_numero_unique")]

    def __str__(self):
        return f"Lot {self.numero} — {self.intitule}"


class Attribution(models.Model):
    """A company on a contract: awardee, co-contractor or declared sub-contractor (optionally of one lot)."""

    marche = models.ForeignKey(Marche, on_delete=models.CASCADE, related_name="attributions")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="attributions")
    entreprise = models.ForeignKey(Entreprise, on_delete=models.PROTECT, related_name="attributions")
    role = models.CharField("rôle", max_length=15, choices=RoleEntreprise.choices, default=RoleEntreprise.TITULAIRE)
    montant_ht = models.DecimalField("montant HT (€)", max_digits=15, decimal_places=2, null=True, blank=True,
                                     help_text="Pour un sous-traitant : montant de l'acte de sous-traitance.")
    date_notification = models.DateField("date de notification", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "attribution"
        constraints = [
            models.UniqueConstraint(fields=["marche", "lot", "entreprise", "role"], name="attribution_unique"),
            models.UniqueConstraint(fields=["marche", "entreprise", "role"], condition=models.Q(lot__isnull=True),
                                    name="attribution_unique_sans_lot"),
        ]

    def __str__(self):
        return f"{self.entreprise} ({self.get_role_display()})"


class Modification(models.Model):
    """An amendment (avenant / modification): changes the amount and/or duration."""

    marche = models.ForeignKey(Marche, on_delete=models.CASCADE, related_name="modifications")
    numero = models.PositiveIntegerField("numéro")
    objet = models.TextField("objet", blank=True)
    date_notification = models.DateField("date de notification", null=True, blank=True)
    date_publication_donnees = models.DateField("date de publication des données", null=True, blank=True)
    montant_ht = models.DecimalField("nouveau montant HT (€)", max_digits=15, decimal_places=2, null=True, blank=True)
    duree_mois = models.PositiveIntegerField("nouvelle durée (mois)", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "modification"
        ordering = ["marche", "numero"]
        constraints = [models.UniqueConstraint(fields=["marche", "numero"], name="modification_numero_unique")]

    def __str__(self):
        return f"Modification n° {self.numero}"


class SeuilEuropeen(models.Model):
    """EU procurement thresholds, dated data the DCP can edit (they change every two years)."""

    class TypeSeuil(models.TextChoices):
        TRAVAUX = "travaux", "Travaux et concessions"
        FCS_COLLECTIVITES = "fcs_collectivites", "Fournitures et services — collectivités territoriales"
        FCS_ETAT = "fcs_etat", "Fournitures et services — État"
        ENTITES_ADJUDICATRICES = "entites_adjudicatrices", "Entités adjudicatrices (réseaux)"

    type_seuil = models.CharField("type", max_length=30, choices=TypeSeuil.choices)
    date_debut = models.DateField("en vigueur du")
    date_fin = models.DateField("au")
    montant_ht = models.DecimalField("seuil HT (€)", max_digits=15, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "seuil européen"
        verbose_name_plural = "seuils européens"
        ordering = ["type_seuil", "-date_debut"]
        constraints = [models.UniqueConstraint(fields=["type_seuil", "date_debut"], name="seuil_unique")]

    def __str__(self):
        return f"{self.get_type_seuil_display()} {self.date_debut:%Y}–{self.date_fin:%Y} : {self.montant_ht} €"
