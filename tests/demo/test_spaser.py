import pytest
from django.urls import reverse

from core.models import User
from demo.clauses import seed_referentiel
from demo.organisations import seed as seed_core
from demo.spaser import seed
from spaser.enums import StatutSpaser
from spaser.models import Action, Cible, Indicateur, Programmation, Spaser

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_believable(client):
    seed_core()
    seed_referentiel()
    seed()
    counts = (Spaser.objects.count(), Indicateur.objects.count(), Cible.objects.count(), Action.objects.count(),
              Programmation.objects.count())
    seed()
    assert counts == (Spaser.objects.count(), Indicateur.objects.count(), Cible.objects.count(),
                      Action.objects.count(), Programmation.objects.count())
    spaser = Spaser.objects.get()
    assert spaser.statut == StatutSpaser.EN_VIGUEUR and spaser.published and spaser.date_adoption
    assert spaser.acheteurs.get().nom == "Département des Landes"
    assert set(spaser.axes.values_list("type_axe", flat=True)) == {"social", "environnemental", "ess"}
    indicateurs = Indicateur.objects.all()
    assert 8 <= len(indicateurs) <= 12
    assert sum(1 for i in indicateurs if not i.est_calcule) == 2
    assert all(i.cibles.exists() for i in indicateurs)
    assert Action.objects.exclude(direction=None).count() >= 9
    assert spaser.documents.count() == 4
    assert Programmation.objects.publiees().count() >= 10
    # Pages render on the demo data, for the DCP and for the public.
    client.force_login(User.objects.get(username="dcp"))
    for url in (reverse("spaser:index"), reverse("spaser:detail", args=[spaser.pk]),
                reverse("spaser:evaluation", args=[spaser.pk]) + "?annee=2025", reverse("core:home")):
        assert client.get(url).status_code == 200, url
    client.logout()
    html = client.get(reverse("spaser:public_home")).content.decode()
    assert "SPASER du Département des Landes" in html and "Feuille de route" in html
    assert "Former les acheteurs des directions" in html  # an action tied to no objective is shown too
    html = client.get(reverse("spaser:public_programmation")).content.decode()
    assert "collège de Tartas" in html and "système d'information des solidarités" not in html
