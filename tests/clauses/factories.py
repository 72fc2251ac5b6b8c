from decimal import Decimal

import factory

from clauses.enums import TypeClause
from clauses.models import ClauseMarche, ClauseModele, ClauseModeleVersion, FamilleAchat
from tests.marches.factories import MarcheFactory


class FamilleAchatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilleAchat
        django_get_or_create = ("nom",)

    nom = factory.Sequence(lambda n: f"Famille {n}")
    prefixes_cpv = ["45"]
    part_main_oeuvre = Decimal("0.5")
    taux_insertion = Decimal("0.05")
    cout_horaire = Decimal("30")


class ClauseModeleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClauseModele

    titre = factory.Sequence(lambda n: f"Clause type {n}")
    type_clause = TypeClause.INSERTION


class ClauseModeleVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClauseModeleVersion

    modele = factory.SubFactory(ClauseModeleFactory)
    numero = 1
    texte = "Le titulaire réalise {heures_requises} heures d'insertion."


class ClauseMarcheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClauseMarche

    marche = factory.SubFactory(MarcheFactory)
    type_clause = TypeClause.INSERTION
    part_main_oeuvre = Decimal("0.5")
    taux_insertion = Decimal("0.05")
    cout_horaire = Decimal("30")
    heures_requises = Decimal("0")
