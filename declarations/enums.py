from django.db import models


class StatutDeclaration(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente de validation"
    VALIDEE = "validee", "Validée"
    RENVOYEE = "renvoyee", "Renvoyée pour correction"
