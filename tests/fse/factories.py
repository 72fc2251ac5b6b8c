import datetime
from decimal import Decimal

import factory

from fse.models import OperationFSE, ParticipationFSE
from tests.facilitateurs.factories import ParticipantFactory


class OperationFSEFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OperationFSE

    reference = factory.Sequence(lambda n: f"2023{n:05d}")
    intitule = factory.Sequence(lambda n: f"Opération FSE+ {n}")
    date_debut = datetime.date(2023, 1, 1)
    date_fin = datetime.date(2027, 12, 31)
    montant_fse = Decimal("100000")


class ParticipationFSEFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipationFSE

    operation = factory.SubFactory(OperationFSEFactory)
    participant = factory.SubFactory(ParticipantFactory)
    date_entree = datetime.date(2024, 3, 1)
    date_information = datetime.date(2024, 3, 1)
    situation_entree = "chomeur_ld"
    niveau_education = "cite_0_2"
    handicap = "non"
    pays_tiers = "non"
    origine_etrangere = "non"
    minorite = "non"
    sans_abri = "non"
    zone_rurale = "non"
