from django.db import models


class StatutSpaser(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    ADOPTE = "adopte", "Adopté"
    EN_VIGUEUR = "en_vigueur", "En vigueur"
    REMPLACE = "remplace", "Remplacé"


class TypeAxe(models.TextChoices):
    SOCIAL = "social", "Social"
    ENVIRONNEMENTAL = "environnemental", "Environnemental"
    ESS = "ess", "Économie sociale et solidaire"
    AUTRE = "autre", "Autre"


class Unite(models.TextChoices):
    POURCENT = "pourcent", "Pourcentage"
    NOMBRE = "nombre", "Nombre"
    EUROS = "euros", "Euros HT"
    HEURES = "heures", "Heures"


class Sens(models.TextChoices):
    HAUSSE = "hausse", "Plus c'est élevé, mieux c'est"
    BAISSE = "baisse", "Plus c'est bas, mieux c'est"


class SourceIndicateur(models.TextChoices):
    MOTEUR = "moteur", "Calculé par l'application (moteur d'indicateurs)"
    MANUEL = "manuel", "Saisi à la main (avec sa source)"


class StatutAction(models.TextChoices):
    A_LANCER = "a_lancer", "À lancer"
    EN_COURS = "en_cours", "En cours"
    REALISEE = "realisee", "Réalisée"
    ABANDONNEE = "abandonnee", "Abandonnée"


class TypeDocument(models.TextChoices):
    PTI = "pti", "Pacte territorial pour l'insertion (PTI)"
    PCET = "pcet", "Plan climat-énergie territorial (PCET)"
    RDD = "rdd", "Rapport développement durable"
    ESS = "ess", "Feuille de route ESS"
    AUTRE = "autre", "Autre document"


class Trimestre(models.IntegerChoices):
    T1 = 1, "1er trimestre"
    T2 = 2, "2e trimestre"
    T3 = 3, "3e trimestre"
    T4 = 4, "4e trimestre"


class StatutEvaluation(models.TextChoices):
    ATTEINT = "atteint", "Atteint"
    BONNE_VOIE = "bonne_voie", "En bonne voie"
    RETARD = "retard", "En retard"
    NON_MESURE = "non_mesure", "Non mesuré"
    SANS_CIBLE = "sans_cible", "Sans cible"
