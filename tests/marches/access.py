from tests.access import NotOwned, Owned, Rule, everyone, expected, only

EDIT = expected(403, acheteur=200, dcp=200, admin=200, partenaire=404)
# Deletions run role after role on the same object: the first allowed role deletes it (302), later ones 404.
DELETE = expected(403, dcp=302, admin=(302, 404), partenaire=404)


def build(world):
    import datetime

    from marches.models import Lot, Modification, SeuilEuropeen
    from tests.marches.factories import AttributionFactory, EntrepriseFactory, LotFactory, MarcheFactory

    world.marche = MarcheFactory(acheteur=world.instance, direction=world.direction, identifiant="W-DIR")
    world.marche_autre_direction = MarcheFactory(
        acheteur=world.instance, direction=world.autre_direction, identifiant="W-AUTRE"
    )
    world.marche_partenaire = MarcheFactory(acheteur=world.partenaire, identifiant="W-PART")
    world.marche_autre_partenaire = MarcheFactory(acheteur=world.autre_partenaire, identifiant="W-PART-B")
    world.entreprise = EntrepriseFactory(nom="Entreprise de l'instance")
    AttributionFactory(marche=world.marche, entreprise=world.entreprise)
    world.entreprise_partenaire = EntrepriseFactory(nom="Entreprise du partenaire")
    AttributionFactory(marche=world.marche_partenaire, entreprise=world.entreprise_partenaire)
    world.lot_a_supprimer = LotFactory(marche=world.marche_autre_direction)
    world.attribution_a_supprimer = AttributionFactory(marche=world.marche_autre_direction)
    world.modification_a_supprimer = Modification.objects.create(
        marche=world.marche_autre_direction,
        numero=1,
        objet="Avenant",
        date_notification=datetime.date(2025, 9, 1),
    )
    assert Lot.objects.filter(pk=world.lot_a_supprimer.pk).exists()
    world.seuil = SeuilEuropeen.objects.first()
    from core.models import Tache

    world.tache_import = Tache.objects.create(type="import_marches", demandee_par=world.users["dcp"],
                                              parametres={"nom": "w.json", "format": "decp", "path": "x/w.json"})
    # For the ownership attempts: a lot, an attribution and an amendment per buyer, a company per partner.
    world.entreprise_autre_partenaire = EntrepriseFactory(nom="Entreprise du partenaire B")
    AttributionFactory(marche=world.marche_autre_partenaire, entreprise=world.entreprise_autre_partenaire)
    for nom in ("marche", "marche_partenaire", "marche_autre_partenaire", "marche_autre_direction"):
        marche = getattr(world, nom)
        setattr(world, f"o_lot_{nom}", LotFactory(marche=marche))
        setattr(world, f"o_attribution_{nom}", AttributionFactory(marche=marche))
        setattr(
            world,
            f"o_modification_{nom}",
            Modification.objects.create(
                marche=marche, numero=2, objet="Avenant", date_notification=datetime.date(2025, 9, 1)
            ),
        )


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

ACCESS.update(
    {
        "marches:imports": Rule(only(200, "dcp", "admin")),
        "marches:import_decp": Rule(only(200, "dcp", "admin")),
    }
)
ACCESS["marches:export_decp"] = Rule(everyone(200))
ACCESS["marches:import_registre"] = Rule(only(200, "dcp", "admin"))
# A stored upload is known only in its uploader's session: an unknown token (or another user's) is a 404 for
# those who may import, a 403 for the others (tests/marches/test_import_apercu.py checks another user's token).
ACCESS["marches:import_apercu"] = Rule(only(404, "dcp", "admin"), kwargs=lambda w: {"token": "inconnu"})
ACCESS["marches:registre_modele"] = Rule(everyone(200))
# A large import's job page: its requester (the matrix's DCP user) and administrators; another DCP user gets a 404
# (tests/marches/test_import_job.py).
ACCESS["marches:import_tache"] = Rule(only(200, "dcp", "admin"), kwargs=_pk("tache_import"))


def _owned(prefixe, edition=False):
    """world.<prefixe>marche, <prefixe>marche_partenaire...: one object per buyer (and another direction)."""
    rows = {
        cle: _pk(prefixe + nom)
        for cle, nom in (
            ("instance", "marche"),
            ("partenaire", "marche_partenaire"),
            ("autre_partenaire", "marche_autre_partenaire"),
        )
    }
    if edition:
        rows["autre_direction"] = _pk(prefixe + "marche_autre_direction")
    return Owned(**rows)


OWNERSHIP = {
    "marches:detail": _owned(""),
    "marches:update": _owned("", edition=True),
    "marches:lot_create": _owned("", edition=True),
    "marches:attribution_create": _owned("", edition=True),
    "marches:modification_create": _owned("", edition=True),
    "marches:lot_delete": _owned("o_lot_", edition=True),
    "marches:attribution_delete": _owned("o_attribution_", edition=True),
    "marches:modification_delete": _owned("o_modification_", edition=True),
    # A company is seen by a partner through its own organisation's contracts only.
    "marches:entreprise_detail": Owned(
        instance=_pk("entreprise"),
        partenaire=_pk("entreprise_partenaire"),
        autre_partenaire=_pk("entreprise_autre_partenaire"),
    ),
    "marches:entreprise_update": Owned(
        instance=_pk("entreprise"),
        partenaire=_pk("entreprise_partenaire"),
        autre_partenaire=_pk("entreprise_autre_partenaire"),
    ),
    "marches:import_tache": NotOwned(
        "tâche d'import : celle de l'utilisateur DCP qui l'a lancée, pas d'un acheteur ; une autre personne "
        "(hors administrateurs) reçoit une 404 (tests/marches/test_import_job.py)"
    ),
    "marches:seuil_update": NotOwned(
        "seuils européens : réglementation commune à tous les acheteurs, "
        "modifiés par la DCP et les administrateurs seulement (matrice)"
    ),
}
