import datetime
from decimal import Decimal

import pytest

from clauses.enums import TypeClause
from clauses.models import ClauseMarche, ClauseModele, Diagnostic, FamilleAchat
from clauses.selectors import famille_pour_cpv
from demo import clauses as demo_clauses
from tests.clauses.factories import FamilleAchatFactory
from tests.marches.factories import MarcheFactory


@pytest.mark.django_db
def test_family_of_the_longest_matching_cpv_prefix():
    batiment = FamilleAchatFactory(nom="Bâtiment", prefixes_cpv=["45", "452"])
    voirie = FamilleAchatFactory(nom="Voirie", prefixes_cpv=["4523"])
    FamilleAchatFactory(nom="Archivée", prefixes_cpv=["452331"], is_active=False)
    assert famille_pour_cpv("45233140-2") == voirie  # the archived family's longer prefix is ignored
    assert famille_pour_cpv("45210000-2") == batiment
    assert famille_pour_cpv("45.23") == voirie
    assert famille_pour_cpv("90910000-9") is None
    assert famille_pour_cpv("") is None
    assert famille_pour_cpv("n'importe quoi") is None


@pytest.mark.django_db
def test_seed_referentiel_is_idempotent_and_placeholders_are_valid():
    demo_clauses.seed_referentiel()
    counts = (FamilleAchat.objects.count(), ClauseModele.objects.count(), Diagnostic.objects.count())
    demo_clauses.seed_referentiel()
    assert counts == (FamilleAchat.objects.count(), ClauseModele.objects.count(), Diagnostic.objects.count())
    assert counts[0] >= 10 and counts[1] >= 12 and counts[2] >= 2
    types = set(ClauseModele.objects.values_list("type_clause", flat=True))
    assert set(TypeClause.values) <= types
    assert famille_pour_cpv("45233140-2").nom == "Travaux publics et voirie"
    assert famille_pour_cpv("90910000-9").nom == "Nettoyage"
    assert famille_pour_cpv("45210000-2").nom == "Bâtiment — gros œuvre"
    assert famille_pour_cpv("30192000-1").nom == "Fournitures de bureau"


@pytest.mark.django_db
def test_seed_clauses_puts_insertion_on_most_works_and_env_after_the_law():
    demo_clauses.seed_referentiel()
    works = [MarcheFactory(code_cpv="45210000-2", montant_ht=Decimal("400000"), identifiant=f"T{i:03d}")
             for i in range(30)]
    recents = [MarcheFactory(code_cpv="90910000-9", montant_ht=Decimal("60000"),
                             date_lancement=datetime.date(2026, 9, 1)) for _ in range(3)]
    demo_clauses.seed_clauses()
    total = ClauseMarche.objects.count()
    demo_clauses.seed_clauses()
    assert ClauseMarche.objects.count() == total
    with_insertion = sum(1 for m in works if m.clauses.filter(type_clause=TypeClause.INSERTION).exists())
    assert 20 <= with_insertion < 30  # choices are stable per identifier: about 6 in 7 get one
    clause = ClauseMarche.objects.filter(type_clause=TypeClause.INSERTION, marche__in=works,
                                         taux_insertion__isnull=True).first()
    assert clause.heures_requises == Decimal("333")  # 400 000 × 0.5 × 0.05 ÷ 30
    assert "333\u00a0h" in clause.texte and "{" not in clause.texte
    for marche in recents:
        marche.refresh_from_db()
        assert marche.clause_environnementale and marche.critere_environnemental
        assert marche.famille.nom == "Nettoyage"


@pytest.mark.django_db
def test_family_lookup_with_preloaded_prefixes_makes_no_query(django_assert_num_queries):
    from clauses.selectors import familles_prefixes

    voirie = FamilleAchatFactory(nom="Voirie", prefixes_cpv=["4523"])
    FamilleAchatFactory(nom="Bâtiment", prefixes_cpv=["45"])
    prefixes = familles_prefixes()
    with django_assert_num_queries(0):
        assert [famille_pour_cpv(c, prefixes=prefixes) for c in ("45233140-2", "77310000")] == [voirie, None]
