"""The buyer's to-do list says "DECP data incomplete" with one SQL condition (marches.selectors._decp_incomplet);
the DECP export says it contract by contract (marches.decp._marche_decp). Two shapes of one rule: they must agree
on every field the SQL condition reads."""

import datetime

import pytest

from marches import decp
from marches.enums import RoleEntreprise
from marches.models import Marche
from marches.selectors import _decp_incomplet
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db

# One contract per field the SQL condition reads, complete but for that field.
MANQUES = {
    "complet": {},
    "code_cpv": {"code_cpv": ""},
    "procedure": {"procedure": ""},
    "montant": {"montant_ht": None, "montant_initial_ht": None},
    "duree": {"duree_mois": None, "duree_initiale_mois": None},
    "offres_absentes": {"offres_recues": None},
    "offres_zero": {"offres_recues": 0},
    "lieu": {"lieu_code": ""},
    "forme_prix": {"forme_prix": ""},
    "types_prix": {"types_prix": []},
    "titulaire": {},
}


def _marche(nom, champs):
    marche = MarcheFactory(**{"forme_prix": "Forfaitaire", "types_prix": ["Définitif ferme"],
                              "lieu_type_code": "Code postal", "date_notification": datetime.date(2025, 6, 1),
                              **champs})
    if nom != "titulaire":
        AttributionFactory(marche=marche, entreprise=EntrepriseFactory(), role=RoleEntreprise.TITULAIRE)
    return marche


def test_the_to_do_lists_decp_condition_agrees_with_the_export():
    marches = {nom: _marche(nom, champs) for nom, champs in MANQUES.items()}
    incomplets_sql = set(Marche.objects.filter(_decp_incomplet()).values_list("pk", flat=True))
    _, exclus = decp.export_document(queryset=Marche.objects.filter(pk__in=[m.pk for m in marches.values()]))
    exclus_export = {e["pk"] for e in exclus}

    assert incomplets_sql == exclus_export
    assert {nom for nom, m in marches.items() if m.pk in incomplets_sql} == set(MANQUES) - {"complet"}
