import pytest

from marches import decp
from marches.enums import StatutConformite
from marches.models import Attribution, Entreprise, Marche, Modification

pytestmark = pytest.mark.django_db


def test_demo_is_believable_idempotent_and_publishable_as_valid_decp():
    from demo.clauses import seed_referentiel
    from demo.marches import seed
    from demo.organisations import seed as seed_core

    seed_core()
    seed_referentiel()
    seed()
    total = Marche.objects.count()
    assert 400 <= total <= 650  # about 50 a year for the Département (2019–2026), 13 for the partners
    seed()
    assert Marche.objects.count() == total  # idempotent

    years = set(Marche.objects.values_list("date_notification__year", flat=True))
    assert set(range(2019, 2027)) <= years
    # Enough companies for the customer's 130 in six years, 85 % of them based in the Landes.
    entreprises = Entreprise.objects.count()
    assert entreprises >= 180
    assert 0.80 <= Entreprise.objects.filter(departement="40").count() / entreprises <= 0.90
    titulaires = Attribution.objects.filter(role="titulaire", marche__acheteur__siret="22400001800016",
                                            marche__code_cpv__startswith="45").values("entreprise").distinct()
    assert titulaires.count() >= 100  # awardees taken in turn: works spread over many companies
    assert Marche.objects.values("acheteur").distinct().count() == 4
    assert Marche.objects.filter(famille__isnull=False).count() > total * 0.7
    assert Modification.objects.exists() and Attribution.objects.filter(role="sous_traitant").exists()
    assert Entreprise.objects.filter(type_structure__in=["EI", "ACI", "EA", "ESAT"]).count() >= 4
    assert Entreprise.objects.exclude(departement="40").exists()
    after = Marche.objects.filter(date_lancement__gte="2026-08-21")
    assert after.filter(statut_conformite=StatutConformite.CONFORME).exists()
    assert after.filter(statut_conformite=StatutConformite.NON_CONFORME).exists()
    assert after.filter(derogation_sociale=True, statut_conformite=StatutConformite.CONFORME).exists()

    # Every demo contract is published, and the document validates strictly against the official schema.
    document, exclus = decp.export_document()
    assert exclus == []
    assert len(document["marches"]["marche"]) == total
    assert decp.validate(document) == []
