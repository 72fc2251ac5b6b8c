import datetime
from decimal import Decimal

import factory

from spaser.enums import SourceIndicateur, StatutSpaser, TypeAxe, Unite
from spaser.models import (
    Action,
    Axe,
    Cible,
    DocumentStrategique,
    Indicateur,
    Objectif,
    Programmation,
    Spaser,
    ValeurManuelle,
)
from tests.core.factories import OrganisationFactory


class SpaserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spaser
        skip_postgeneration_save = True

    titre = factory.Sequence(lambda n: f"SPASER {n}")
    version = "1"
    statut = StatutSpaser.BROUILLON
    annee_debut = 2024
    annee_fin = 2028

    class Params:
        en_vigueur = factory.Trait(statut=StatutSpaser.EN_VIGUEUR, date_adoption=datetime.date(2024, 3, 15),
                                   reference_deliberation="Délibération n° 2024-01", published=True)

    @factory.post_generation
    def acheteurs(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.acheteurs.set(extracted if extracted is not None else [OrganisationFactory(instance=True)])


class AxeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axe

    spaser = factory.SubFactory(SpaserFactory)
    type_axe = TypeAxe.SOCIAL
    titre = factory.Sequence(lambda n: f"Axe {n}")


class ObjectifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objectif

    axe = factory.SubFactory(AxeFactory)
    titre = factory.Sequence(lambda n: f"Objectif {n}")


class IndicateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicateur

    objectif = factory.SubFactory(ObjectifFactory)
    libelle = factory.Sequence(lambda n: f"Indicateur {n}")
    source_type = SourceIndicateur.MOTEUR
    figure = "part_marches_consideration_sociale_nombre"
    unite = Unite.POURCENT
    annee_reference = 2023
    valeur_reference = Decimal("0.20")

    class Params:
        manuel = factory.Trait(source_type=SourceIndicateur.MANUEL, figure="", source="Rapport annuel",
                               unite=Unite.NOMBRE)


class CibleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cible

    indicateur = factory.SubFactory(IndicateurFactory)
    annee = 2025
    valeur = Decimal("0.30")


class ValeurManuelleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValeurManuelle

    indicateur = factory.SubFactory(IndicateurFactory, manuel=True)
    acheteur = factory.SubFactory(OrganisationFactory, instance=True)
    annee = 2025
    valeur = Decimal("10")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    spaser = factory.SubFactory(SpaserFactory)
    titre = factory.Sequence(lambda n: f"Action {n}")
    echeance = datetime.date(2026, 12, 31)


class DocumentStrategiqueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentStrategique

    spaser = factory.SubFactory(SpaserFactory)
    titre = factory.Sequence(lambda n: f"Document {n}")
    url = "https://www.landes.fr/document.pdf"


class ProgrammationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programmation

    acheteur = factory.SubFactory(OrganisationFactory, instance=True)
    objet = factory.Sequence(lambda n: f"Achat programmé {n}")
    montant_estime_ht = Decimal("300000")
    annee = factory.LazyFunction(lambda: datetime.date.today().year + 1)  # always upcoming
    trimestre = 1
    contact = "commande.publique@exemple.invalid"
    published = True
