from django.db import models


class StatutConvention(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    SIGNEE = "signee", "Signée"
    TERMINEE = "terminee", "Terminée"


class Public(models.TextChoices):
    DELD = "DELD", "Demandeur d'emploi de longue durée (12 mois et plus)"
    DETLD = "DETLD", "Demandeur d'emploi de très longue durée (24 mois et plus)"
    RSA = "RSA", "Allocataire du RSA"
    ASS = "ASS", "Allocataire de l'ASS"
    AAH = "AAH", "Allocataire de l'AAH"
    TH = "TH", "Travailleur handicapé (RQTH)"
    JEUNE_26 = "JEUNE_26", "Jeune de moins de 26 ans peu qualifié"
    SENIOR_50 = "SENIOR_50", "Senior de 50 ans et plus"
    SIAE = "SIAE", "Personne en parcours SIAE"
    EPIDE_E2C = "EPIDE_E2C", "Jeune de l'EPIDE ou d'une E2C"
    QPV = "QPV", "Résident d'un quartier prioritaire (QPV)"
    AUTRE = "AUTRE", "Autre (avis motivé du facilitateur)"


class Sexe(models.TextChoices):
    F = "F", "Femme"
    M = "M", "Homme"
    X = "X", "Non précisé"


class Modalite(models.TextChoices):
    EMBAUCHE_DIRECTE = "EMBAUCHE_DIRECTE", "Embauche directe"
    MISE_A_DISPOSITION_ETTI = "MISE_A_DISPOSITION_ETTI", "Mise à disposition par une ETTI"
    MISE_A_DISPOSITION_AI = "MISE_A_DISPOSITION_AI", "Mise à disposition par une AI"
    MISE_A_DISPOSITION_GEIQ = "MISE_A_DISPOSITION_GEIQ", "Mise à disposition par un GEIQ"
    SOUS_TRAITANCE_SIAE = "SOUS_TRAITANCE_SIAE", "Sous-traitance à une SIAE"
    CO_TRAITANCE_SIAE = "CO_TRAITANCE_SIAE", "Co-traitance avec une SIAE"
    FORMATION = "FORMATION", "Formation"


class TypeContrat(models.TextChoices):
    CDI = "CDI", "CDI"
    CDD = "CDD", "CDD"
    CDDI = "CDDI", "CDDI (insertion)"
    INTERIM = "INTERIM", "Intérim"
    APPRENTISSAGE = "APPRENTISSAGE", "Apprentissage"
    PROFESSIONNALISATION = "PROFESSIONNALISATION", "Contrat de professionnalisation"
    AUTRE = "AUTRE", "Autre"


class CategorieSortie(models.TextChoices):
    EMPLOI_DURABLE = "EMPLOI_DURABLE", "Emploi durable (CDI, CDD ou intérim de 6 mois et plus, création d'entreprise)"
    EMPLOI_TRANSITION = "EMPLOI_TRANSITION", "Emploi de transition (moins de 6 mois, contrat aidé)"
    SORTIE_POSITIVE = "SORTIE_POSITIVE", "Sortie positive (formation, embauche par une autre SIAE)"
    AUTRE = "AUTRE", "Autre sortie"
