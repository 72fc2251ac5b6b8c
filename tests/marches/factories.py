import datetime
from decimal import Decimal

import factory

from marches.enums import RoleEntreprise, TypeStructure
from marches.models import Attribution, Entreprise, Lot, Marche
from tests.core.factories import OrganisationFactory, make_siret


class EntrepriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entreprise
        django_get_or_create = ("siret",)

    siret = factory.Sequence(lambda n: make_siret(n, "3"))
    nom = factory.Sequence(lambda n: f"Entreprise {n}")
    code_postal = "40100"
    type_structure = TypeStructure.AUTRE

    class Params:
        siae = factory.Trait(type_structure=TypeStructure.EI)
        hors_departement = factory.Trait(code_postal="33000")


class MarcheFactory(factory.django.DjangoModelFactory):
    """A contract saved with its derived state (marches.etat), as the services would. Considerations given as
    effective fields (clause_sociale=True...) are taken as declared ones."""

    class Meta:
        model = Marche

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from marches.etat import DECLAREES, marche_etat_deriver

        for effective, declaree in DECLAREES.items():
            if kwargs.get(effective) and declaree not in kwargs:
                kwargs[declaree] = kwargs[effective]
        marche = model_class(*args, **kwargs)
        marche_etat_deriver(marche=marche)
        marche.save()
        return marche

    acheteur = factory.SubFactory(OrganisationFactory, instance=True)
    identifiant = factory.Sequence(lambda n: f"2025M{n:05d}")
    objet = factory.Sequence(lambda n: f"Travaux de réfection n° {n}")
    code_cpv = "45000000-7"
    procedure = "Procédure adaptée"
    montant_ht = Decimal("250000.00")
    montant_initial_ht = factory.SelfAttribute("montant_ht")
    duree_mois = 12
    duree_initiale_mois = factory.SelfAttribute("duree_mois")
    date_lancement = datetime.date(2025, 3, 1)
    date_notification = datetime.date(2025, 6, 1)
    date_debut = datetime.date(2025, 7, 1)
    date_fin = datetime.date(2026, 6, 30)
    lieu_code = "40000"
    offres_recues = 3


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    marche = factory.SubFactory(MarcheFactory)
    numero = factory.Sequence(lambda n: n + 1)
    intitule = factory.Sequence(lambda n: f"Lot {n + 1}")


class AttributionFactory(factory.django.DjangoModelFactory):
    """An attribution; its contract's search text follows, as with the services (only that column: fixtures
    may set clause hours by hand, which a full derivation would recompute)."""

    class Meta:
        model = Attribution

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from marches.search import texte_recherche

        attribution = super()._create(model_class, *args, **kwargs)
        marche = attribution.marche
        entreprises = Entreprise.objects.filter(attributions__marche=marche).values_list("nom", "siret").distinct()
        marche.recherche = texte_recherche(objet=marche.objet, identifiant=marche.identifiant,
                                           entreprises=sorted(set(entreprises)))
        Marche.objects.filter(pk=marche.pk).update(recherche=marche.recherche)
        return attribution

    marche = factory.SubFactory(MarcheFactory)
    entreprise = factory.SubFactory(EntrepriseFactory)
    role = RoleEntreprise.TITULAIRE
