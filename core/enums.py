from django.db import models


class Role(models.TextChoices):
    ACHETEUR = "acheteur", "Acheteur"
    DCP = "dcp", "Direction de la Commande Publique"
    FACILITATEUR = "facilitateur", "Facilitateur"
    ELU = "elu", "Élu"
    PARTENAIRE = "partenaire", "Partenaire"
    ADMIN = "admin", "Administrateur"
    ENTREPRISE = "entreprise", "Entreprise (contact)"


class TypeOrganisation(models.TextChoices):
    INSTANCE = "instance", "Acheteur de l'instance"
    PARTENAIRE = "partenaire", "Acheteur partenaire (sous convention)"
    OPEN_DATA = "open_data", "Acheteur connu par les données ouvertes"
