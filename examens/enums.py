from django.db import models


class StatutExamen(models.TextChoices):
    """The steps of an examination, in order; each says who is expected next."""

    AVIS = "avis", "En attente de l'avis du facilitateur"
    DECISION = "decision", "En attente de la décision de la DCP"
    LANCEMENT = "lancement", "Décidé, en attente du lancement"
    LANCE = "lance", "Consultation lancée"


class TypeAvis(models.TextChoices):
    """What the facilitator proposes (several may apply)."""

    HEURES = "heures", "Clause d'insertion (heures)"
    LOT_RESERVE = "lot_reserve", "Lot ou marché réservé"
    CRITERE = "critere", "Critère d'attribution social"
    SOUS_TRAITANCE_SIAE = "sous_traitance_siae", "Sous-traitance à une SIAE"


class MotifNonRetenu(models.TextChoices):
    """Why no social clause was retained (coded, counted in the bilan)."""

    PAS_OFFRE_LOCALE = "pas_offre_locale", "Pas d'offre locale (entreprises ou SIAE)"
    MONTANT_FAIBLE = "montant_faible", "Montant trop faible"
    DUREE_COURTE = "duree_courte", "Durée trop courte"
    TECHNIQUE = "technique", "Raison technique"
    AUTRE = "autre", "Autre"


class Reponse(models.TextChoices):
    OUI = "oui", "Oui"
    NON = "non", "Non"
    SANS_OBJET = "sans_objet", "Sans objet"
