from tests.access import Owned, Rule, everyone, only


def build(world):
    from django.core.files.base import ContentFile

    from bilans.models import Bilan, FiguresCalculees

    world.bilan = Bilan.objects.create(acheteur=world.instance, annee=2025, demande_par=world.users["dcp"])
    world.bilan.fichier.save("bilan-test.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    world.bilan_partenaire = Bilan.objects.create(
        acheteur=world.partenaire, annee=2025, demande_par=world.users["partenaire"]
    )
    world.bilan_autre_partenaire = Bilan.objects.create(
        acheteur=world.autre_partenaire, annee=2025, demande_par=world.partenaire_b
    )
    for bilan in (world.bilan_partenaire, world.bilan_autre_partenaire):
        bilan.fichier.save(f"bilan-test-{bilan.pk}.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    for nom, acheteur in (("figures", world.instance), ("figures_partenaire", world.partenaire),
                          ("figures_autre_partenaire", world.autre_partenaire)):
        setattr(world, nom, FiguresCalculees.objects.create(cle=f"acces-{nom}",
                                                            parametres={"annee": 2025, "acheteur": acheteur.pk}))


# A partner user sees only its own organisation's bilans: another buyer's answers 404 (not an oracle).
VISIBLE_SAUF_AUTRE_ACHETEUR = everyone(200) | {"partenaire": 404}

ACCESS = {
    "bilans:dashboard": Rule(everyone(200), query="?annee=2025"),
    "bilans:export": Rule(everyone(200), query="?annee=2025&graphique=considerations"),
    "bilans:bilans": Rule(everyone(200)),
    # Only the state of a computation (no figure): a partner follows only its own organisation's.
    "bilans:figures_etat": Rule(VISIBLE_SAUF_AUTRE_ACHETEUR, kwargs=lambda w: {"pk": w.figures.pk}),
    "bilans:bilan_demander": Rule(
        only(302, "dcp", "admin", "partenaire"),
        method="post",
        data=lambda w: {"annee": 2025, "acheteur": w.instance.pk},
    ),
    "bilans:bilan_detail": Rule(VISIBLE_SAUF_AUTRE_ACHETEUR, kwargs=lambda w: {"pk": w.bilan.pk}),
    "bilans:bilan_etat": Rule(VISIBLE_SAUF_AUTRE_ACHETEUR, kwargs=lambda w: {"pk": w.bilan.pk}),
    "bilans:bilan_telecharger": Rule(VISIBLE_SAUF_AUTRE_ACHETEUR, kwargs=lambda w: {"pk": w.bilan.pk}),
    "bilans:bilan_regenerer": Rule(
        only(302, "dcp", "admin") | {"partenaire": 404}, method="post", kwargs=lambda w: {"pk": w.bilan.pk}
    ),
}


BILAN = Owned(
    instance=lambda w: {"pk": w.bilan.pk},
    partenaire=lambda w: {"pk": w.bilan_partenaire.pk},
    autre_partenaire=lambda w: {"pk": w.bilan_autre_partenaire.pk},
)

FIGURES = Owned(
    instance=lambda w: {"pk": w.figures.pk},
    partenaire=lambda w: {"pk": w.figures_partenaire.pk},
    autre_partenaire=lambda w: {"pk": w.figures_autre_partenaire.pk},
)

OWNERSHIP = {
    "bilans:figures_etat": FIGURES,
    "bilans:bilan_detail": BILAN,
    "bilans:bilan_etat": BILAN,
    "bilans:bilan_telecharger": BILAN,
    "bilans:bilan_regenerer": BILAN,
}
