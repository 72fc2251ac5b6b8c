import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from facilitateurs.models import MiseEnEmploi
from tests.clauses.factories import ClauseMarcheFactory
from tests.declarations.factories import ContactEntrepriseFactory
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

FIN = timezone.localdate().replace(year=timezone.localdate().year + 2, day=1)  # running whatever today is


@pytest.fixture(autouse=True)
def _justificatifs_root(settings, tmp_path):
    settings.JUSTIFICATIFS_ROOT = tmp_path / "prive"


@pytest.fixture
def cas(db):
    """A company holding a running clause contract (400 h required), a participant placed with it, its contact;
    another company with its own contract and contact."""

    class Cas:
        pass

    c = Cas()
    c.entreprise = EntrepriseFactory(nom="Bâtir Landes")
    c.marche = MarcheFactory(date_debut=datetime.date(2025, 7, 1), date_fin=FIN)
    ClauseMarcheFactory(marche=c.marche, heures_requises=Decimal("400"))
    AttributionFactory(marche=c.marche, entreprise=c.entreprise)
    c.participant = ParticipantFactory(code="P-DECL-1")
    MiseEnEmploi.objects.create(participant=c.participant, entreprise=c.entreprise, marche=c.marche,
                                modalite="EMBAUCHE_DIRECTE", type_contrat="CDD", date_debut=datetime.date(2025, 7, 1))
    c.contact = ContactEntrepriseFactory(entreprise=c.entreprise)
    c.autre_entreprise = EntrepriseFactory(nom="Concurrente SA")
    c.autre_marche = MarcheFactory(date_debut=datetime.date(2025, 7, 1), date_fin=FIN)
    ClauseMarcheFactory(marche=c.autre_marche, heures_requises=Decimal("100"))
    AttributionFactory(marche=c.autre_marche, entreprise=c.autre_entreprise)
    c.autre_contact = ContactEntrepriseFactory(entreprise=c.autre_entreprise)
    from tests.core.factories import UserFactory

    c.facilitateur = UserFactory(role="facilitateur", email="f@exemple.invalid")
    return c
