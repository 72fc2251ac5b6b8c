import datetime
from decimal import Decimal

import factory

from facilitateurs.enums import Modalite, Sexe, TypeContrat
from facilitateurs.models import Convention, HeuresMensuelles, IdentiteParticipant, Participant
from tests.core.factories import OrganisationFactory
from tests.marches.factories import EntrepriseFactory, MarcheFactory


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    partenaire = factory.SubFactory(OrganisationFactory, partenaire=True)
    intitule = factory.Sequence(lambda n: f"Convention {n}")
    date_debut = datetime.date(2024, 1, 1)
    statut = "signee"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    code = factory.Sequence(lambda n: f"P{n:05d}")
    annee_naissance = 1985
    sexe = Sexe.F
    code_postal = "40000"


class IdentiteParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentiteParticipant

    participant = factory.SubFactory(ParticipantFactory)
    nom = factory.Sequence(lambda n: f"Secretnom{n}")
    prenom = "Camille"


class HeuresMensuellesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HeuresMensuelles

    marche = factory.SubFactory(MarcheFactory)
    participant = factory.SubFactory(ParticipantFactory)
    entreprise = factory.SubFactory(EntrepriseFactory)
    mois = datetime.date(2025, 9, 1)
    modalite = Modalite.EMBAUCHE_DIRECTE
    type_contrat = TypeContrat.CDD
    heures = Decimal("100")
