from django.db import models


class TypeNotification(models.TextChoices):
    """What a user can turn off (preferences page)."""

    DECLARATION = "declaration", "Déclaration mensuelle des heures à faire (entreprises)"
    SYNTHESE = "synthese", "Synthèse hebdomadaire du suivi (facilitateurs)"
    BILAN = "bilan", "Bilan annuel prêt (DCP et élus)"
    DECP = "decp", "Marché notifié à publier dans les données essentielles (acheteurs)"


class Genre(models.TextChoices):
    """Each kind of e-mail sent (a reminder and its follow-up are two kinds of the same notification)."""

    DECLARATION = "declaration", "Déclaration mensuelle à faire"
    DECLARATION_RELANCE = "declaration_relance", "Relance de la déclaration mensuelle"
    SYNTHESE = "synthese", "Synthèse hebdomadaire du facilitateur"
    BILAN = "bilan", "Bilan annuel prêt"
    DECP = "decp", "Publication DECP à faire"


NOTIFICATION_DU_GENRE = {
    Genre.DECLARATION: TypeNotification.DECLARATION,
    Genre.DECLARATION_RELANCE: TypeNotification.DECLARATION,
    Genre.SYNTHESE: TypeNotification.SYNTHESE,
    Genre.BILAN: TypeNotification.BILAN,
    Genre.DECP: TypeNotification.DECP,
}
