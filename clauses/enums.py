from django.db import models


class TypeClause(models.TextChoices):
    INSERTION = "insertion", "Condition d'exécution — insertion (clause sociale)"
    CRITERE_SOCIAL = "critere_social", "Critère d'attribution social"
    RESERVE_EA_ESAT = "reserve_ea_esat", "Marché réservé EA-ESAT (L2113-12)"
    RESERVE_SIAE = "reserve_siae", "Marché réservé SIAE (L2113-13)"
    RESERVE_ESS = "reserve_ess", "Marché réservé ESS (L2113-15)"
    CONDITION_ENVIRONNEMENTALE = "condition_env", "Condition d'exécution environnementale"
    CRITERE_ENVIRONNEMENTAL = "critere_env", "Critère d'attribution environnemental"
    AUTRE = "autre", "Autre clause"


class ModeCalculHeures(models.TextChoices):
    TAUX = "taux", "Montant × part de main-d'œuvre × taux d'insertion ÷ coût horaire"
    FORFAIT = "forfait", "Forfait : une heure par tranche de montant facturé"


class AxeDiagnostic(models.TextChoices):
    SOCIAL = "social", "Social"
    ENVIRONNEMENTAL = "environnemental", "Environnemental"
    ESS = "ess", "Économie sociale et solidaire"


class NoteDiagnostic(models.IntegerChoices):
    ABSENT = 0, "0 — rien n'est fait"
    EMERGENT = 1, "1 — ponctuellement"
    REGULIER = 2, "2 — régulièrement"
    SYSTEMATIQUE = 3, "3 — systématiquement, avec suivi"
