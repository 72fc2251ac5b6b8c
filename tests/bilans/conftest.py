"""A small dataset whose every indicator is computed by hand in the tests (see `jeu` docstring)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from clauses.enums import TypeClause
from facilitateurs.enums import CategorieSortie, Modalite, Public
from facilitateurs.models import Eligibilite, Sortie
from marches.enums import StatutConformite, TypeReservation, TypeStructure
from marches.models import Marche
from tests.clauses.factories import ClauseMarcheFactory, FamilleAchatFactory
from tests.core.factories import DirectionFactory, OrganisationFactory
from tests.facilitateurs.factories import (
    ConventionFactory,
    HeuresMensuellesFactory,
    IdentiteParticipantFactory,
    ParticipantFactory,
)
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

IDENTITES = ("Zéphyrine Bouchardeau", "Anatole Quincampoix")


def d(y, m, day=1):
    return datetime.date(y, m, day)


@pytest.fixture
def jeu(db):
    """Instance (département 40), year 2025. Hand-computed figures (30 €/h, training capped at 30 %):

    Contracts notified in 2025 (instance): M1 100 000 € (clause sociale + env., insertion clauses 200 h + 100 h,
    conforme), M2 50 000 € (critère env., non conforme), M3 30 000 € (réservé SIAE, EI awardee), M4 20 000 €
    (nothing), M7 no amount → 5 contracts, 200 000 €; social 2 / 130 000 €; env. 2 / 150 000 €; insertion
    1 / 100 000 €; required hours 300. M5 (2024, 500 h required). M6 belongs to a partner (excluded).

    Hours 2025: M1 P1/E1 100 h + 50 h, M1 P2/E2 40 h, M1 P3/E1 training 120 h (capped to 90 h), M5 E3 (EI)
    sub-contracted 3 000 € (= 100 h), M5 P4 0 h (ignored) → 380 h, 3 participants, 3 companies, 2 local.
    Hours 2024: M5 P4/E2 200 h, M5 P1/E1 training 200 h (capped to 150 h).
    Cumul 2024–2025: 290 + 200 + 90 + 150 = 730 h, 4 participants, 3 companies (2 local)."""
    instance = OrganisationFactory(instance=True)
    partenaire = OrganisationFactory(partenaire=True, nom="Partenaire A", code_postal="40100")
    direction = DirectionFactory(organisation=instance)
    f1 = FamilleAchatFactory(nom="Travaux de bâtiment")
    f2 = FamilleAchatFactory(nom="Nettoyage")
    e1 = EntrepriseFactory(nom="BTP Landais", code_postal="40100")
    e2 = EntrepriseFactory(nom="Girondine SA", code_postal="33000")
    e3 = EntrepriseFactory(nom="Insertion Sud", code_postal="40000", type_structure=TypeStructure.EI)
    m1 = MarcheFactory(acheteur=instance, montant_ht=Decimal("100000"), clause_sociale=True,
                       clause_environnementale=True, famille=f1, direction=direction)
    m2 = MarcheFactory(acheteur=instance, montant_ht=Decimal("50000"), critere_environnemental=True, famille=f2)
    m3 = MarcheFactory(acheteur=instance, montant_ht=Decimal("30000"), marche_reserve=True,
                       type_reservation=TypeReservation.SIAE)
    m4 = MarcheFactory(acheteur=instance, montant_ht=Decimal("20000"))
    m7 = MarcheFactory(acheteur=instance, montant_ht=None, montant_initial_ht=None)
    m5 = MarcheFactory(acheteur=instance, montant_ht=Decimal("80000"), clause_sociale=True, famille=f1,
                       date_notification=d(2024, 5, 2))
    m6 = MarcheFactory(acheteur=partenaire, montant_ht=Decimal("999999"), clause_sociale=True)
    # Required hours entered by hand (heures_forcees): the contract's derived state (marches.etat) keeps them.
    ClauseMarcheFactory(marche=m1, heures_requises=Decimal("200"), heures_forcees=Decimal("200"))
    ClauseMarcheFactory(marche=m1, heures_requises=Decimal("100"), heures_forcees=Decimal("100"))
    ClauseMarcheFactory(marche=m1, type_clause=TypeClause.CONDITION_ENVIRONNEMENTALE, heures_requises=0)
    ClauseMarcheFactory(marche=m5, heures_requises=Decimal("500"), heures_forcees=Decimal("500"))
    ClauseMarcheFactory(marche=m6, heures_requises=Decimal("1000"), heures_forcees=Decimal("1000"))
    AttributionFactory(marche=m3, entreprise=e3)
    AttributionFactory(marche=m1, entreprise=e1)
    # Compliance is the marches app's (recomputed on save): set here directly, as stored figures.
    Marche.objects.filter(pk__in=[m3.pk, m4.pk, m7.pk, m5.pk, m6.pk]).update(
        statut_conformite=StatutConformite.NON_SOUMIS, manquements=[])
    Marche.objects.filter(pk=m1.pk).update(statut_conformite=StatutConformite.CONFORME, manquements=[])
    Marche.objects.filter(pk=m2.pk).update(statut_conformite=StatutConformite.NON_CONFORME,
                                           manquements=["Critère environnemental"])
    p1 = ParticipantFactory(commune="Dax")
    p2 = ParticipantFactory(commune="Dax")
    p3 = ParticipantFactory(commune="Dax")
    p4 = ParticipantFactory(commune="Mont-de-Marsan")
    p5 = ParticipantFactory(commune="Dax")
    for participant, nom in zip((p1, p2), IDENTITES, strict=True):
        prenom, nom = nom.split()
        IdentiteParticipantFactory(participant=participant, nom=nom, prenom=prenom, email="zephyrine@example.org",
                                   telephone="06 12 34 56 78")
    for participant, public in ((p1, Public.RSA), (p1, Public.QPV), (p2, Public.DELD), (p3, Public.RSA)):
        Eligibilite.objects.create(participant=participant, public=public, date_verification=d(2025, 1, 1),
                                   date_fin_validite=d(2025, 4, 1))
    H = HeuresMensuellesFactory
    H(marche=m1, participant=p1, entreprise=e1, mois=d(2025, 3), heures=Decimal("100"))
    H(marche=m1, participant=p1, entreprise=e1, mois=d(2025, 4), heures=Decimal("50"))
    H(marche=m1, participant=p2, entreprise=e2, mois=d(2025, 3), heures=Decimal("40"))
    H(marche=m1, participant=p3, entreprise=e1, mois=d(2025, 5), heures=Decimal("120"), modalite=Modalite.FORMATION)
    H(marche=m5, participant=None, entreprise=e3, mois=d(2025, 6), heures=Decimal("0"), montant_ht=Decimal("3000"),
      modalite=Modalite.SOUS_TRAITANCE_SIAE)
    H(marche=m5, participant=p4, entreprise=e1, mois=d(2025, 7), heures=Decimal("0"))
    H(marche=m5, participant=p4, entreprise=e2, mois=d(2024, 10), heures=Decimal("200"))
    H(marche=m5, participant=p1, entreprise=e1, mois=d(2024, 11), heures=Decimal("200"), modalite=Modalite.FORMATION)
    H(marche=m6, participant=p5, entreprise=e2, mois=d(2025, 3), heures=Decimal("300"))
    Sortie.objects.create(participant=p1, date_sortie=d(2025, 6, 30), categorie=CategorieSortie.EMPLOI_DURABLE,
                          categorie_6_mois=CategorieSortie.EMPLOI_DURABLE, date_suivi_6_mois=d(2025, 12, 30))
    Sortie.objects.create(participant=p2, date_sortie=d(2025, 8, 1), categorie=CategorieSortie.AUTRE)
    Sortie.objects.create(participant=p5, date_sortie=d(2025, 8, 1), categorie=CategorieSortie.AUTRE)
    convention = ConventionFactory(partenaire=partenaire)
    convention.marches.add(m6)
    return SimpleNamespace(instance=instance, partenaire=partenaire, direction=direction, f1=f1, f2=f2,
                           m1=m1, m2=m2, m3=m3, m4=m4, m5=m5, m6=m6, m7=m7, e1=e1, e2=e2, e3=e3,
                           convention=convention, participants=(p1, p2, p3, p4, p5))
