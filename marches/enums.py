"""Choices of the contract register. Values are the DECP v2 labels where DECP has them, so that the
mapping to and from open data is the identity; our richer distinctions (kind of reservation,
kind of company) have their own codes."""

from django.db import models


class Categorie(models.TextChoices):
    MARCHE = "marche", "Marché"
    CONCESSION = "concession", "Contrat de concession"


class Nature(models.TextChoices):
    MARCHE = "Marché", "Marché"
    PARTENARIAT = "Marché de partenariat", "Marché de partenariat"
    DEFENSE_SECURITE = "Marché de défense ou de sécurité", "Marché de défense ou de sécurité"
    CONCESSION_TRAVAUX = "Concession de travaux", "Concession de travaux"
    CONCESSION_SERVICE = "Concession de service", "Concession de service"
    CONCESSION_SERVICE_PUBLIC = "Concession de service public", "Concession de service public"
    DSP = "Délégation de service public", "Délégation de service public"


class Procedure(models.TextChoices):
    MAPA = "Procédure adaptée", "Procédure adaptée"
    AO_OUVERT = "Appel d'offres ouvert", "Appel d'offres ouvert"
    AO_RESTREINT = "Appel d'offres restreint", "Appel d'offres restreint"
    NEGOCIEE = "Procédure avec négociation", "Procédure avec négociation"
    SANS_PUBLICITE = (
        "Marché passé sans publicité ni mise en concurrence préalable",
        "Marché passé sans publicité ni mise en concurrence préalable",
    )
    DIALOGUE = "Dialogue compétitif", "Dialogue compétitif"
    CONC_NEGOCIEE_OUVERTE = "Procédure négociée ouverte", "Procédure négociée ouverte (concession)"
    CONC_NON_NEGOCIEE_OUVERTE = "Procédure non négociée ouverte", "Procédure non négociée ouverte (concession)"
    CONC_NEGOCIEE_RESTREINTE = "Procédure négociée restreinte", "Procédure négociée restreinte (concession)"
    CONC_NON_NEGOCIEE_RESTREINTE = "Procédure non négociée restreinte", "Procédure non négociée restreinte (concession)"


class Technique(models.TextChoices):
    ACCORD_CADRE = "Accord-cadre", "Accord-cadre"
    CONCOURS = "Concours", "Concours"
    QUALIFICATION = "Système de qualification", "Système de qualification"
    SAD = "Système d'acquisition dynamique", "Système d'acquisition dynamique"
    CATALOGUE = "Catalogue électronique", "Catalogue électronique"
    ENCHERE = "Enchère électronique", "Enchère électronique"
    SANS_OBJET = "Sans objet", "Sans objet"


class ModaliteExecution(models.TextChoices):
    TRANCHES = "Tranches", "Tranches"
    BONS_COMMANDE = "Bons de commande", "Bons de commande"
    SUBSEQUENTS = "Marchés subséquents", "Marchés subséquents"
    SANS_OBJET = "Sans objet", "Sans objet"


class CCAG(models.TextChoices):
    TRAVAUX = "Travaux", "Travaux"
    MOE = "Maitrise d'œuvre", "Maîtrise d'œuvre"
    FCS = "Fournitures courantes et services", "Fournitures courantes et services"
    MI = "Marchés industriels", "Marchés industriels"
    PI = "Prestations intellectuelles", "Prestations intellectuelles"
    TIC = "Techniques de l'information et de la communication", "Techniques de l'information et de la communication"
    AUCUN = "Pas de CCAG", "Pas de CCAG"


class FormePrix(models.TextChoices):
    UNITAIRE = "Unitaire", "Unitaire"
    FORFAITAIRE = "Forfaitaire", "Forfaitaire"
    MIXTE = "Mixte", "Mixte"


class TypePrix(models.TextChoices):
    FERME = "Définitif ferme", "Définitif ferme"
    ACTUALISABLE = "Définitif actualisable", "Définitif actualisable"
    REVISABLE = "Définitif révisable", "Définitif révisable"
    PROVISOIRE = "Provisoire", "Provisoire"


class TypeGroupement(models.TextChoices):
    CONJOINT = "Conjoint", "Conjoint"
    SOLIDAIRE = "Solidaire", "Solidaire"
    AUCUN = "Pas de groupement", "Pas de groupement"


class TypeReservation(models.TextChoices):
    EA_ESAT = "EA_ESAT", "Entreprises adaptées et ESAT (L2113-12)"
    SIAE = "SIAE", "Structures d'insertion par l'activité économique (L2113-13)"
    ESS = "ESS", "Entreprises de l'ESS (L2113-15)"


class TypeIdentifiant(models.TextChoices):
    SIRET = "SIRET", "SIRET"
    TVA = "TVA", "TVA intracommunautaire"
    TAHITI = "TAHITI", "TAHITI"
    RIDET = "RIDET", "RIDET"
    FRWF = "FRWF", "FRWF"
    IREP = "IREP", "IREP"
    HORS_UE = "HORS-UE", "Hors Union européenne"


class TypeStructure(models.TextChoices):
    EI = "EI", "SIAE — Entreprise d'insertion (EI)"
    ETTI = "ETTI", "SIAE — Entreprise de travail temporaire d'insertion (ETTI)"
    AI = "AI", "SIAE — Association intermédiaire (AI)"
    ACI = "ACI", "SIAE — Atelier et chantier d'insertion (ACI)"
    GEIQ = "GEIQ", "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)"
    EA = "EA", "Entreprise adaptée (EA)"
    ESAT = "ESAT", "Établissement et service d'accompagnement par le travail (ESAT)"
    ESUS = "ESUS", "Entreprise agréée ESUS"
    ESS = "ESS", "Autre structure de l'ESS"
    AUTRE = "AUTRE", "Autre entreprise"

    @classmethod
    def siae(cls):
        return [cls.EI, cls.ETTI, cls.AI, cls.ACI]

    @classmethod
    def handicap(cls):
        return [cls.EA, cls.ESAT]

    @classmethod
    def ess(cls):
        return [cls.ESUS, cls.ESS, cls.EI, cls.ETTI, cls.AI, cls.ACI, cls.GEIQ, cls.EA, cls.ESAT]


class RoleEntreprise(models.TextChoices):
    TITULAIRE = "titulaire", "Titulaire"
    COTRAITANT = "cotraitant", "Co-traitant"
    SOUS_TRAITANT = "sous_traitant", "Sous-traitant déclaré"


class TypeLieu(models.TextChoices):
    CODE_POSTAL = "Code postal", "Code postal"
    COMMUNE = "Code commune", "Code commune"
    ARRONDISSEMENT = "Code arrondissement", "Code arrondissement"
    CANTON = "Code canton", "Code canton"
    DEPARTEMENT = "Code département", "Code département"
    REGION = "Code région", "Code région"
    PAYS = "Code pays", "Code pays"


class Origine(models.TextChoices):
    SAISIE = "saisie", "Saisie dans l'application"
    DECP = "decp", "Import DECP"
    REGISTRE = "registre", "Import du registre (tableur)"


class StatutConformite(models.TextChoices):
    CONFORME = "conforme", "Conforme aux obligations"
    NON_CONFORME = "non_conforme", "Obligation manquante"
    NON_SOUMIS = "non_soumis", "Non soumis (lancé avant le 21/08/2026 ou exclu)"
