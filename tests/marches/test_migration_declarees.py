"""Migration 0010: considerations a contract with clauses had beyond its clauses become declared ones, so the
first derivation by marches.etat keeps them."""

from importlib import import_module

import pytest
from django.apps import apps

from clauses.enums import TypeClause
from marches.etat import CONSIDERATIONS, marche_etat_verifier
from marches.models import Marche
from tests.clauses.factories import ClauseMarcheFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


def test_considerations_beyond_the_clauses_become_declared():
    marche = MarcheFactory()
    ClauseMarcheFactory(marche=marche, type_clause=TypeClause.INSERTION)
    # As the old code stored it: effective flags only (the register kept critère social next to the clause).
    Marche.objects.filter(pk=marche.pk).update(clause_sociale=True, critere_social=True, marche_reserve=True,
                                               type_reservation="SIAE")
    import_module("marches.migrations.0010_considerations_declarees_hors_clauses").declarees_hors_clauses(apps, None)
    marche = Marche.objects.get(pk=marche.pk)
    assert marche.critere_social_declare and marche.marche_reserve_declare
    assert marche.type_reservation_declare == "SIAE"
    assert not marche.clause_sociale_declaree  # its clause implies it: not declared
    assert not set(marche_etat_verifier(marche)) & set(CONSIDERATIONS)  # a derivation now changes none of them
    assert (marche.clause_sociale, marche.critere_social, marche.marche_reserve) == (True, True, True)
