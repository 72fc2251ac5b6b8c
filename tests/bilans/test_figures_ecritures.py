"""Stored figures (bilans.figures) after every kind of write: the write makes them stale, the job recomputes them,
and what it stores equals the full computation (indicateurs_annuels) on the data as they now are. Each write goes
through the service every path of its kind calls (forms, imports, bulk paths, amendments: one owner per rule); the
bulk writes without signals (imports inside a request or a job) are tests/bilans/test_cache.py's."""

import datetime
from decimal import Decimal

import pytest

from bilans import figures, selectors
from bilans.resultats import to_jsonable
from clauses.enums import TypeClause
from clauses.models import ClauseMarche
from facilitateurs import services as fac
from facilitateurs.enums import CategorieSortie, Modalite, Public
from facilitateurs.models import Sortie
from marches import services as mar
from marches.models import Modification
from tests.bilans.helpers import chiffres_calculer

PERIMETRES = [{"annee": 2025}, {"annee": 2025, "depuis": 2020}]


def _heures(jeu):
    fac.heures_enregistrer(marche=jeu.m1, entreprise=jeu.e2, participant=jeu.participants[1],
                           mois=datetime.date(2025, 9, 1), modalite=Modalite.EMBAUCHE_DIRECTE, heures=Decimal("35"))


def _heures_remplacees(jeu):  # the same month again: replaced, never added
    fac.heures_enregistrer(marche=jeu.m1, entreprise=jeu.e1, participant=jeu.participants[0],
                           mois=datetime.date(2025, 3, 1), modalite=Modalite.EMBAUCHE_DIRECTE, heures=Decimal("60"))


def _grille(jeu):
    fac.heures_grille_enregistrer(marche=jeu.m1, mois=datetime.date(2025, 10, 1), lignes=[{
        "participant": jeu.participants[3], "entreprise": jeu.e1, "modalite": Modalite.EMBAUCHE_DIRECTE,
        "heures": Decimal("20")}])


def _clause(jeu):
    mar.clause_marche_enregistrer(clause=ClauseMarche(marche=jeu.m4, type_clause=TypeClause.INSERTION,
                                                      heures_requises=Decimal("70"), heures_forcees=Decimal("70")))


def _clause_supprimee(jeu):
    mar.clause_marche_supprimer(clause=jeu.m1.clauses.filter(heures_requises=Decimal("100")).get())


def _marche(jeu):
    jeu.m4.montant_ht = Decimal("45000")
    mar.marche_enregistrer(marche=jeu.m4, reason="Montant corrigé")


def _avenant(jeu):
    mar.modification_enregistrer(modification=Modification(marche=jeu.m2, numero=1, montant_ht=Decimal("65000"),
                                                           date_notification=datetime.date(2025, 9, 1)))


def _sortie(jeu):
    fac.sortie_enregistrer(sortie=Sortie(participant=jeu.participants[2], date_sortie=datetime.date(2025, 9, 1),
                                         categorie=CategorieSortie.EMPLOI_TRANSITION))


def _eligibilite(jeu):
    fac.eligibilite_enregistrer(participant=jeu.participants[1], public=Public.TH,
                                date_verification=datetime.date(2025, 1, 1))


ECRITURES = [_heures, _heures_remplacees, _grille, _clause, _clause_supprimee, _marche, _avenant, _sortie,
             _eligibilite]


def _stockees(perimetre):
    """What a page gets: (figures, state); queues the recomputation when they are stale."""
    return figures.indicateurs_servis(**perimetre)


@pytest.mark.parametrize("ecrire", ECRITURES, ids=lambda f: f.__name__.strip("_"))
def test_after_each_kind_of_write_the_stored_figures_equal_the_full_computation(jeu, ecrire):
    perimetres = [{"acheteur": jeu.instance, **p} for p in PERIMETRES]
    for perimetre in perimetres:
        _stockees(perimetre)
    chiffres_calculer()
    avant = {}
    for i, perimetre in enumerate(perimetres):
        data, etat = _stockees(perimetre)
        assert etat.a_jour
        avant[i] = to_jsonable(data)

    ecrire(jeu)

    for i, perimetre in enumerate(perimetres):
        data, etat = _stockees(perimetre)
        assert not etat.a_jour, f"{ecrire.__name__}: the stored figures still pass for current"
        assert to_jsonable(data) == avant[i]  # the previous ones, served meanwhile
    assert chiffres_calculer() == len(perimetres)
    changees = 0
    for i, perimetre in enumerate(perimetres):
        data, etat = _stockees(perimetre)
        assert etat.a_jour
        attendu = to_jsonable(selectors.indicateurs_annuels(**perimetre))
        assert to_jsonable(data) == attendu, f"{ecrire.__name__}: stored figures differ from the full computation"
        changees += attendu != avant[i]
    assert changees, f"{ecrire.__name__}: the write changed no figure, the test proves nothing"
