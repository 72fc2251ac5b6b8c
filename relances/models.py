"""Who turned which notification off, and every reminder sent (so that none is ever sent twice for the same
month, week, bilan or contract)."""

from django.conf import settings
from django.db import models

from .enums import Genre, TypeNotification


class PreferenceNotification(models.Model):
    """A user's choice for one kind of notification; without a row, the notification is on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences_notification")
    type = models.CharField("notification", max_length=20, choices=TypeNotification.choices)
    active = models.BooleanField("recevoir", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "préférence de notification"
        constraints = [models.UniqueConstraint(fields=["user", "type"], name="preference_notification_unique")]

    def __str__(self):
        return f"{self.user} — {self.type} : {'oui' if self.active else 'non'}"


class EnvoiRelance(models.Model):
    """One e-mail of one kind sent to one user about one subject (`cle`: the month "2026-10", the ISO week
    "2026-W48", "bilan-12", "decp-345"). The unique key is what makes a reminder never go twice."""

    genre = models.CharField("type de courriel", max_length=25, choices=Genre.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="relances_recues")
    cle = models.CharField("objet", max_length=40)
    envoye_le = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "relance envoyée"
        verbose_name_plural = "relances envoyées"
        ordering = ["-envoye_le"]
        constraints = [models.UniqueConstraint(fields=["genre", "user", "cle"], name="relance_une_seule_fois")]

    def __str__(self):
        return f"{self.get_genre_display()} à {self.user} ({self.cle})"
