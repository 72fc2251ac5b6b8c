import datetime
from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from core.enums import Role
from declarations.enums import StatutDeclaration
from declarations.models import ContactEntreprise, Declaration, Justificatif, LigneDeclaration
from tests.core.factories import UserFactory
from tests.marches.factories import EntrepriseFactory, MarcheFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ContactEntrepriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactEntreprise

    user = factory.SubFactory(UserFactory, role=Role.ENTREPRISE,
                              email=factory.Sequence(lambda n: f"contact{n}@entreprise.invalid"))
    entreprise = factory.SubFactory(EntrepriseFactory)


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    marche = factory.SubFactory(MarcheFactory)
    entreprise = factory.SubFactory(EntrepriseFactory)
    mois = datetime.date(2025, 9, 1)
    statut = StatutDeclaration.EN_ATTENTE
    declaree_par = factory.SubFactory(UserFactory, role=Role.ENTREPRISE)


class LigneDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LigneDeclaration

    declaration = factory.SubFactory(DeclarationFactory)
    modalite = "EMBAUCHE_DIRECTE"
    type_contrat = "CDD"
    heures = Decimal("35")


def justificatif_creer(declaration, contenu=PDF, nom="bulletin.pdf"):
    justificatif = Justificatif(declaration=declaration, nom=nom, type_contenu="application/pdf", taille=len(contenu))
    justificatif.fichier.save(f"test-{declaration.pk}-{nom}", ContentFile(contenu), save=False)
    justificatif.save()
    return justificatif
