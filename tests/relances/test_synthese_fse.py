"""The facilitators' weekly digest counts the FSE+ records to complete (the completeness page's list) with how many
are overdue, links to that page, and names no participant."""

import datetime
from decimal import Decimal

import pytest

from core.enums import Role
from fse.models import OperationFSE, ParticipationFSE
from relances.enums import Genre
from relances.selectors import relances_du_jour
from relances.services import courriel
from tests.core.factories import UserFactory
from tests.facilitateurs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

LUNDI = datetime.date(2026, 10, 5)
CODE = "P-FSE-SECRET-31"


@pytest.fixture
def facilitateur(settings):
    settings.RELANCES = {**settings.RELANCES, "JOUR_SYNTHESE": 0}
    return UserFactory(role=Role.FACILITATEUR, email="f-fse@exemple.invalid", first_name="Camille")


def _participation(operation, code, date_entree, **champs):
    champs = {"situation_entree": "chomeur", "niveau_education": "cite_3_4", "handicap": "non", "pays_tiers": "non",
              "origine_etrangere": "non", "minorite": "non", "sans_abri": "non", "zone_rurale": "non", **champs}
    return ParticipationFSE.objects.create(operation=operation, participant=ParticipantFactory(code=code),
                                           date_entree=date_entree, date_information=date_entree, **champs)


def _synthese(date):
    return [m for m in relances_du_jour(date) if m.genre == Genre.SYNTHESE]


def test_the_digest_counts_the_fse_records_to_complete_and_links_to_them(facilitateur):
    assert _synthese(LUNDI) == []  # nothing to say: no digest
    operation = OperationFSE.objects.create(reference="FSE-R-1", intitule="Opération", montant_fse=Decimal("10"),
                                            date_debut=datetime.date(2026, 1, 1), date_fin=datetime.date(2027, 12, 31))
    _participation(operation, CODE, datetime.date(2026, 6, 1), handicap="")  # entry data overdue since July
    _participation(operation, "P-FSE-RECENT", LUNDI - datetime.timedelta(days=2), niveau_education="")  # not yet due
    _participation(operation, "P-FSE-COMPLET", datetime.date(2026, 6, 1))
    (message,) = _synthese(LUNDI)
    assert message.user == facilitateur
    assert (message.contexte["fse_a_completer"], message.contexte["fse_en_retard"]) == (2, 1)
    email = courriel(message)
    texte, html = email.body, email.alternatives[0][0]
    assert "dossiers FSE+ à compléter : 2 (dont 1 en retard)" in texte
    assert "/fse/a-completer/" in texte and "/fse/a-completer/" in html
    assert "<strong>2</strong> (dont 1 en retard)" in html
    for partie in (texte, html, email.subject):
        assert CODE not in partie and "P-FSE-RECENT" not in partie
