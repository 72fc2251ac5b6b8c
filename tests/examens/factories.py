import datetime

import factory
from django.utils import timezone

from examens.enums import StatutExamen
from examens.models import Examen
from tests.marches.factories import MarcheFactory


class MarchePreparationFactory(MarcheFactory):
    """A contract in preparation: not notified, its consultation to be launched."""

    date_lancement = datetime.date(2099, 3, 1)
    date_notification = None
    date_debut = None
    date_fin = None
    montant_ht = None
    montant_initial_ht = None
    valeur_estimee_ht = 250000
    offres_recues = None


class ExamenFactory(factory.django.DjangoModelFactory):
    """An examination at a given step (the services write it in real use; tests build states directly)."""

    class Meta:
        model = Examen

    marche = factory.SubFactory(MarchePreparationFactory)
    statut = StatutExamen.AVIS
    date_lancement_prevue = datetime.date(2099, 3, 1)
    ouvert_le = factory.LazyFunction(timezone.now)

    class Params:
        a_decider = factory.Trait(statut=StatutExamen.DECISION, avis_clause=True, avis_types=["heures"],
                                  avis_heures=300, avis_le=factory.LazyFunction(timezone.now))
        a_lancer = factory.Trait(statut=StatutExamen.LANCEMENT, avis_clause=True, avis_types=["heures"],
                                 avis_heures=300, avis_le=factory.LazyFunction(timezone.now),
                                 decision_types=["insertion"], sociale_retenue=True,
                                 decide_le=factory.LazyFunction(timezone.now))
