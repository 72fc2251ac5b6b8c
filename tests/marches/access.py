from tests.access import Rule, everyone, expected, only

EDIT = expected(403, acheteur=200, dcp=200, admin=200, partenaire=404)
# Deletions run role after role on the same object: the first allowed role deletes it (302), later ones 404.
DELETE = expected(403, dcp=302, admin=(302, 404), partenaire=404)


def build(world):
    import datetime

    from marches.models import Lot, Modification, SeuilEuropeen
    from tests.marches.factories import AttributionFactory, EntrepriseFactory, LotFactory, MarcheFactory

    world.marche = MarcheFactory(acheteur=world.instance, direction=world.direction, identifiant="W-DIR")
    world.marche_autre_direction = MarcheFactory(acheteur=world.instance, direction=world.autre_direction,
                                                 identifiant="W-AUTRE")
    world.marche_partenaire = MarcheFactory(acheteur=world.partenaire, identifiant="W-PART")
    world.marche_autre_partenaire = MarcheFactory(acheteur=world.autre_partenaire, identifiant="W-PART-B")
    world.entreprise = EntrepriseFactory(nom="Entreprise de l'instance")
    AttributionFactory(marche=world.marche, entreprise=world.entreprise)
    world.entreprise_partenaire = EntrepriseFactory(nom="Entreprise du partenaire")
    AttributionFactory(marche=world.marche_partenaire, entreprise=world.entreprise_partenaire)
    world.lot_a_supprimer = LotFactory(marche=world.marche_autre_direction)
    world.attribution_a_supprimer = AttributionFactory(marche=world.marche_autre_direction)
    world.modification_a_supprimer = Modification.objects.create(
        marche=world.marche_autre_direction, numero=1, objet="Avenant", date_notification=datetime.date(2025, 9, 1))
    assert Lot.objects.filter(pk=world.lot_a_supprimer.pk).exists()
    world.seuil = SeuilEuropeen.objects.first()


def _pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


ACCESS = {
    "marches:list": Rule(everyone(200)),
    "marches:export": Rule(everyone(200), query="?format=csv"),
    "marches:create": Rule(only(200, "acheteur", "dcp", "admin")),
    "marches:detail": Rule(expected(200, partenaire=404), kwargs=_pk("marche")),
    "marches:update": Rule(EDIT, kwargs=_pk("marche")),
    "marches:lot_create": Rule(EDIT, kwargs=_pk("marche")),
    "marches:attribution_create": Rule(EDIT, kwargs=_pk("marche")),
    "marches:modification_create": Rule(EDIT, kwargs=_pk("marche")),
    "marches:lot_delete": Rule(DELETE, kwargs=_pk("lot_a_supprimer"), method="post"),
    "marches:attribution_delete": Rule(DELETE, kwargs=_pk("attribution_a_supprimer"), method="post"),
    "marches:modification_delete": Rule(DELETE, kwargs=_pk("modification_a_supprimer"), method="post"),
    "marches:entreprise_list": Rule(everyone(200)),
    "marches:entreprise_create": Rule(only(200, "acheteur", "dcp", "admin", "facilitateur")),
    "marches:entreprise_detail": Rule(expected(200, partenaire=404), kwargs=_pk("entreprise")),
    "marches:entreprise_update": Rule(expected(200, elu=403, partenaire=404), kwargs=_pk("entreprise")),
    "marches:seuils": Rule(everyone(200)),
    "marches:seuil_create": Rule(only(200, "dcp", "admin")),
    "marches:seuil_update": Rule(only(200, "dcp", "admin"), kwargs=_pk("seuil")),
}

ACCESS.update({
    "marches:imports": Rule(only(200, "dcp", "admin")),
    "marches:import_decp": Rule(only(200, "dcp", "admin")),
})
ACCESS["marches:export_decp"] = Rule(everyone(200))
ACCESS["marches:import_registre"] = Rule(only(200, "dcp", "admin"))
ACCESS["marches:registre_modele"] = Rule(everyone(200))
