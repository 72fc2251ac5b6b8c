"""The answers of the FSE+ entry questionnaire (Regulation (EU) 2021/1057, Annex I)."""

from django.db import models


class SituationEntree(models.TextChoices):
    """Labour-market status at entry: one answer; EECO02 counts CHOMEUR and CHOMEUR_LONGUE_DUREE, EECO03 the latter."""

    CHOMEUR = "chomeur", "Chômeur (moins de 12 mois)"
    CHOMEUR_LONGUE_DUREE = "chomeur_ld", "Chômeur de longue durée"
    INACTIF = "inactif", "Inactif"
    EMPLOYE = "employe", "En emploi, y compris indépendant"


class NiveauEducation(models.TextChoices):
    CITE_0_2 = "cite_0_2", "CITE 0 à 2 (jusqu'au premier cycle du secondaire)"
    CITE_3_4 = "cite_3_4", "CITE 3 ou 4 (deuxième cycle du secondaire ou post-secondaire non supérieur)"
    CITE_5_8 = "cite_5_8", "CITE 5 à 8 (enseignement supérieur)"


class ReponseSensible(models.TextChoices):
    OUI = "oui", "Oui"
    NON = "non", "Non"
    NSPR = "nspr", "Ne souhaite pas répondre"


# Age at entry (entry year − birth year): the annex's bands.
AGE_MINEUR = 18  # EECO06: below 18
AGE_JEUNE_MAX = 29  # EECO07: 18 to 29
AGE_SENIOR = 55  # EECO08: 55 and above
