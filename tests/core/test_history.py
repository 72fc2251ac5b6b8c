"""The change history reads like sentences: booleans Oui/Non, related objects by name, choices by label,
many-to-many additions and removals, no row for a modification that changed nothing a user can read."""

from decimal import Decimal

import pytest

from core.enums import Role
from core.history import history_for
from facilitateurs.services import convention_enregistrer
from marches.enums import Procedure
from marches.services import marche_enregistrer
from tests.core.factories import DirectionFactory, UserFactory
from tests.facilitateurs.factories import ConventionFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


def _phrases(obj):
    return [c for ligne in history_for(obj) for c in ligne["changements"]]


def test_contract_changes_read_as_sentences():
    marche = MarcheFactory(procedure=Procedure.MAPA, montant_ht=Decimal("250000"))
    user = UserFactory(role=Role.DCP)
    direction = DirectionFactory(nom="Direction des routes")
    marche.clause_environnementale_declaree = True
    marche.procedure = Procedure.AO_OUVERT
    marche.direction = direction
    marche.montant_ht = Decimal("300000")
    marche.date_fin = None
    marche_enregistrer(marche=marche, user=user, reason="Modification")
    phrases = _phrases(marche)
    assert "Clause environnementale déclarée : passe de Non à Oui." in phrases
    assert "Clause environnementale : passe de Non à Oui." in phrases
    assert "Procédure : passe de « Procédure adaptée » à « Appel d'offres ouvert »." in phrases
    assert f"Direction : renseigné « {direction} »." in phrases
    assert "Montant notifié HT (€) : passe de « 250\u202f000 » à « 300\u202f000 »." in phrases
    assert "Date de fin d'exécution : effacé (était « 30/06/2026 »)." in phrases
    texte = " ".join(phrases)
    assert "True" not in texte and "False" not in texte and "None" not in texte
    assert "Texte" not in texte and "recherche" not in texte.lower()  # technical columns are hidden


def test_many_to_many_changes_name_who_was_added_and_removed():
    convention = ConventionFactory()
    anne = UserFactory(role=Role.FACILITATEUR, first_name="Anne", last_name="Lacoste")
    paul = UserFactory(role=Role.FACILITATEUR, first_name="Paul", last_name="Darrigade")
    convention_enregistrer(convention=convention, facilitateurs=[anne], reason="Modification")
    convention_enregistrer(convention=convention, facilitateurs=[paul], reason="Modification")
    phrases = _phrases(convention)
    # .set() records the removal and the addition apart
    assert phrases == [f"Facilitateurs : ajout de {paul}.", f"Facilitateurs : retrait de {anne}.",
                       f"Facilitateurs : ajout de {anne}."]
    assert not any("{" in p for p in phrases)


def test_a_modification_without_readable_change_is_not_listed():
    marche = MarcheFactory()
    marche_enregistrer(marche=marche, user=UserFactory(role=Role.DCP), reason="Modification")  # nothing changed
    lignes = history_for(marche)
    assert [ligne["action"] for ligne in lignes if not ligne["changements"]] == ["Création"] * (
        len([ligne for ligne in lignes if ligne["action"] == "Création"]))
