"""The engine's typed results (bilans.resultats): read by attribute, frozen, cacheable, each figure reaching its
written definition; the JSON keeps the keys of the dict it replaced. And the rules written once: the social and
environmental considerations (marches.models), the training cap (an ORM expression, no SQL by hand)."""

import dataclasses
import datetime
import pickle
import re
from decimal import Decimal
from pathlib import Path

import pytest

from bilans import selectors
from bilans.definitions import DEFINITIONS
from bilans.resultats import DEFINITIONS_CHAMPS, Bloc, Indicateurs, Realisation, to_jsonable
from marches.enums import TypeReservation
from marches.filters import MarcheFilter
from marches.models import Marche
from tests.core.factories import OrganisationFactory
from tests.marches.factories import MarcheFactory

D = Decimal
IDENTITE = {"acheteur_siret", "acheteur_nom", "acheteur_departement", "annee", "perimetre"}


def test_a_result_is_typed_frozen_and_read_by_attribute(jeu):
    data = selectors.indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    assert isinstance(data, Indicateurs) and isinstance(data.realisation, Realisation)
    assert data.marches_notifies == Bloc(nombre=5, montant_ht=D("200000"))
    assert data.cumul.depuis == 2024 and data.objectifs.sociale.cible_source == "pnad"
    assert data.heures_par_commune[0].commune == "Dax"
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.heures_realisees = D("1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.marches_notifies.nombre = 0
    assert pickle.loads(pickle.dumps(data)) == data  # what the cache stores


def test_every_figure_reaches_its_written_definition(jeu):
    data = selectors.indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    for champ in (f.name for f in dataclasses.fields(Indicateurs)):
        if champ in IDENTITE:
            assert data.definition(champ) is None
            continue
        assert data.definition(champ) is DEFINITIONS[DEFINITIONS_CHAMPS[champ]], champ
        assert data.definitions[champ].texte, champ
    assert data.definition("heures_realisees") is DEFINITIONS["heures_realisees"]
    assert data.realisation.definition is DEFINITIONS["taux_realisation_heures"]
    assert data.cumul.definition is DEFINITIONS["cumul"] and data.sorties.definition is DEFINITIONS["sorties"]


def test_json_keeps_the_keys_and_leaves_out_the_breakdowns_without_details(jeu):
    complet = to_jsonable(selectors.indicateurs_annuels(acheteur=jeu.instance, annee=2025))
    court = to_jsonable(selectors.indicateurs_annuels(acheteur=jeu.instance, annee=2025, details=False))
    details = {"marches_clause_liste", "heures_par_modalite", "heures_par_famille", "heures_par_entreprise",
               "heures_par_public", "heures_par_commune", "sorties", "tendance"}
    assert set(complet) - set(court) == details
    assert "manquements" in complet["conformite"] and "manquements" not in court["conformite"]
    assert list(complet["marches_notifies"]) == ["nombre", "montant_ht"]
    assert complet["objectifs"]["sociale"]["cible_libelle"] == "cible nationale PNAD"
    assert complet["heures_par_commune"][0] == {"commune": "Dax", "participants": 3, "heures": 310}
    assert complet["perimetre"] == {"direction": None, "famille": None, "convention": None}
    assert complet["realisation"]["date_reference"] == "2025-12-31"


def test_the_stored_figures_serve_only_typed_results(jeu):
    from bilans import figures
    from bilans.models import FiguresCalculees
    from tests.bilans.helpers import chiffres_calculer

    assert figures.indicateurs_servis(acheteur=jeu.instance, annee=2025)[0] is None
    chiffres_calculer()
    first, etat = figures.indicateurs_servis(acheteur=jeu.instance, annee=2025)
    assert isinstance(first, Indicateurs) and etat.a_jour
    assert figures.indicateurs_servis(acheteur=jeu.instance, annee=2025)[0] == first
    # A result stored by an older version of the code (the dict it replaced) is computed again, never read.
    FiguresCalculees.objects.update(donnees=pickle.dumps({"heures_realisees": D("1")}))
    data, etat = figures.indicateurs_servis(acheteur=jeu.instance, annee=2025)
    assert data is None and not etat.a_jour
    assert chiffres_calculer() == 1
    assert figures.indicateurs_servis(acheteur=jeu.instance, annee=2025)[0].heures_realisees == D("380")


@pytest.fixture
def melange(db):
    """Contracts of 2025 with each consideration alone, several together, none; one of 2024; one of another buyer.
    Social: clause (a), criterion (b), reserved (c), clause + env. criterion (e) → 4; environmental: env. clause (d),
    env. criterion (e), both (f) → 3."""
    acheteur = OrganisationFactory(instance=True)
    autre = OrganisationFactory(partenaire=True)
    jour = datetime.date(2025, 6, 1)
    for drapeaux in ({"clause_sociale": True}, {"critere_social": True},
                     {"marche_reserve": True, "type_reservation": TypeReservation.EA_ESAT},
                     {"clause_environnementale": True}, {"clause_sociale": True, "critere_environnemental": True},
                     {"clause_environnementale": True, "critere_environnemental": True}, {}):
        MarcheFactory(acheteur=acheteur, date_notification=jour, **drapeaux)
    MarcheFactory(acheteur=acheteur, date_notification=datetime.date(2024, 6, 1), critere_social=True)
    MarcheFactory(acheteur=autre, date_notification=jour, clause_sociale=True)
    return acheteur


def test_considerations_are_one_rule_for_the_engine_the_queryset_and_the_list(melange):
    data = selectors.indicateurs_annuels(acheteur=melange, annee=2025, details=False)
    annee = Marche.objects.filter(acheteur=melange, date_notification__year=2025)
    sociale = annee.avec_consideration_sociale().count()
    environnementale = annee.avec_consideration_environnementale().count()
    assert data.marches_consideration_sociale.nombre == sociale == 4
    assert data.marches_consideration_environnementale.nombre == environnementale == 3
    assert data.considerations.sociale_et_environnementale.nombre == 1
    liste = MarcheFilter({"consideration": "sociale"}, queryset=annee).qs.count()
    sans = MarcheFilter({"consideration": "aucune"}, queryset=annee).qs.count()
    assert (liste, sans) == (4, 1)


def test_the_training_cap_is_written_with_the_orm_not_sql_by_hand():
    source = Path(selectors.__file__).read_text()
    assert not re.search(r"\bcursor\b|\.execute\(|\bconnection\b|RawSQL|\.raw\(", source)
