import datetime
from decimal import Decimal

import pytest

from marches import services
from marches.enums import StatutConformite
from marches.models import Marche, Modification, SeuilEuropeen
from tests.core.factories import UserFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


def test_marche_save_records_history_author_and_reason():
    user = UserFactory()
    marche = MarcheFactory.build(acheteur=MarcheFactory().acheteur)
    services.marche_enregistrer(marche=marche, user=user, reason="Saisie")
    record = marche.history.first()
    assert record.history_user == user and record.history_change_reason == "Saisie"
    assert marche.montant_initial_ht == marche.montant_ht


def test_amendment_updates_amount_and_duration_and_keeps_initial_values():
    marche = MarcheFactory(montant_ht=Decimal("100000"), duree_mois=12)
    services.modification_enregistrer(modification=Modification(marche=marche, montant_ht=Decimal("120000")))
    services.modification_enregistrer(modification=Modification(marche=marche, duree_mois=18))
    marche.refresh_from_db()
    assert (marche.montant_ht, marche.duree_mois) == (Decimal("120000"), 18)
    assert (marche.montant_initial_ht, marche.duree_initiale_mois) == (Decimal("100000"), 12)
    assert list(marche.modifications.values_list("numero", flat=True)) == [1, 2]
    services.modification_supprimer(modification=marche.modifications.get(numero=1))
    marche.refresh_from_db()
    assert (marche.montant_ht, marche.duree_mois) == (Decimal("100000"), 18)


def test_amendment_crossing_the_threshold_changes_compliance():
    marche = MarcheFactory(date_lancement=datetime.date(2026, 9, 1), code_cpv="79000000", montant_ht=Decimal("200000"),
                           clause_environnementale=True, critere_environnemental=True)
    assert marche.statut_conformite == StatutConformite.CONFORME
    services.modification_enregistrer(modification=Modification(marche=marche, montant_ht=Decimal("230000")))
    marche.refresh_from_db()
    # The estimated value is what counts; without one, the amount in force.
    assert marche.statut_conformite == StatutConformite.NON_CONFORME


def test_editing_a_threshold_recomputes_contracts():
    marche = MarcheFactory(date_lancement=datetime.date(2026, 9, 1), code_cpv="79000000", montant_ht=Decimal("200000"),
                           clause_environnementale=True, critere_environnemental=True)
    seuil = SeuilEuropeen.objects.get(type_seuil="fcs_collectivites", date_debut__year=2026)
    seuil.montant_ht = Decimal("150000")
    services.seuil_enregistrer(seuil=seuil)
    assert Marche.objects.get(pk=marche.pk).statut_conformite == StatutConformite.NON_CONFORME


def test_entreprise_get_or_create_keeps_existing():
    e, created = services.entreprise_obtenir_ou_creer(siret="12345678901234", nom="")
    assert created and e.nom == ""
    e2, created = services.entreprise_obtenir_ou_creer(siret="12345678901234", nom="ACME")
    assert not created and e2.pk == e.pk and e2.nom == "ACME"
