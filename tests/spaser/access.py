"""SPASER pages: the DCP and administrators write; élus, buyers and facilitators read. A partner user reads
only the schemes that cover its organisation (404 for the world's scheme, which covers the instance only; see
test_partner.py for a joint scheme) and nothing else (403). The public site answers 200 to everyone."""

from datetime import date

from tests.access import Owned, Rule, only, public

READ = only(200, "dcp", "admin", "elu", "acheteur", "facilitateur")
SCHEME = {**READ, "partenaire": 404}  # the world's scheme covers another buyer
WRITE = only(200, "dcp", "admin")
WRITE_POST = only(302, "dcp", "admin")


def _decp_status():
    """The DECP export comes from marches.decp; until it exists the public file answers 404."""
    try:
        from marches.decp import export_json  # noqa: F401
    except ImportError:
        return 404
    return 200


def build(world):
    from decimal import Decimal

    from tests.spaser.factories import (
        ActionFactory,
        AxeFactory,
        CibleFactory,
        DocumentStrategiqueFactory,
        IndicateurFactory,
        ObjectifFactory,
        ProgrammationFactory,
        SpaserFactory,
    )

    world.spaser = SpaserFactory(en_vigueur=True, acheteurs=[world.instance], titre="SPASER du monde")
    world.spaser_axe = AxeFactory(spaser=world.spaser)
    world.spaser_objectif = ObjectifFactory(axe=world.spaser_axe)
    world.spaser_indicateur = IndicateurFactory(objectif=world.spaser_objectif)
    CibleFactory(indicateur=world.spaser_indicateur, annee=2025, valeur=Decimal("0.3"))
    world.spaser_action = ActionFactory(
        spaser=world.spaser, objectif=world.spaser_objectif, direction=world.direction
    )
    world.spaser_document = DocumentStrategiqueFactory(spaser=world.spaser)
    world.spaser_programmation = ProgrammationFactory(acheteur=world.instance)
    # For the ownership attempts: a scheme (with its parts) and a forecast entry per partner buyer.
    for nom, acheteur in (("partenaire", world.partenaire), ("autre_partenaire", world.autre_partenaire)):
        spaser = SpaserFactory(en_vigueur=True, acheteurs=[acheteur], titre=f"SPASER {acheteur.nom}")
        axe = AxeFactory(spaser=spaser)
        objectif = ObjectifFactory(axe=axe)
        parts = {
            "": spaser,
            "_axe": axe,
            "_objectif": objectif,
            "_indicateur": IndicateurFactory(objectif=objectif),
            "_action": ActionFactory(spaser=spaser, objectif=objectif),
            "_document": DocumentStrategiqueFactory(spaser=spaser),
            "_programmation": ProgrammationFactory(acheteur=acheteur),
        }
        for suffixe, objet in parts.items():
            setattr(world, f"spaser{suffixe}_{nom}", objet)


SPASER = {"kwargs": lambda w: {"pk": w.spaser.pk}}

ACCESS = {
    "spaser:index": Rule(only(200, "dcp", "admin", "elu", "acheteur", "facilitateur", "partenaire")),
    "spaser:create": Rule(WRITE),
    "spaser:detail": Rule(SCHEME, **SPASER),
    "spaser:update": Rule(WRITE, **SPASER),
    "spaser:delete": Rule(WRITE, **SPASER),  # GET: the confirmation page
    "spaser:adopter": Rule(WRITE, **SPASER),
    "spaser:mettre_en_vigueur": Rule(WRITE_POST, method="post", **SPASER),
    "spaser:nouvelle_version": Rule(WRITE_POST, method="post", **SPASER),
    "spaser:evaluation": Rule(SCHEME, query="?annee=2025", **SPASER),
    "spaser:evaluation_xlsx": Rule(SCHEME, **SPASER),
    "spaser:axe_create": Rule(WRITE, kwargs=lambda w: {"parent": w.spaser.pk}),
    "spaser:axe_update": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_axe.pk}),
    "spaser:axe_delete": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_axe.pk}),
    "spaser:objectif_create": Rule(WRITE, kwargs=lambda w: {"parent": w.spaser_axe.pk}),
    "spaser:objectif_update": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_objectif.pk}),
    "spaser:objectif_delete": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_objectif.pk}),
    "spaser:indicateur_create": Rule(WRITE, kwargs=lambda w: {"parent": w.spaser_objectif.pk}),
    "spaser:indicateur_update": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_indicateur.pk}),
    "spaser:indicateur_delete": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_indicateur.pk}),
    "spaser:indicateur_valeurs": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_indicateur.pk}),
    "spaser:action_create": Rule(WRITE, kwargs=lambda w: {"parent": w.spaser.pk}),
    "spaser:action_update": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_action.pk}),
    "spaser:action_delete": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_action.pk}),
    "spaser:document_create": Rule(WRITE, kwargs=lambda w: {"parent": w.spaser.pk}),
    "spaser:document_update": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_document.pk}),
    "spaser:document_delete": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_document.pk}),
    "spaser:programmation_list": Rule(READ),
    "spaser:programmation_create": Rule(WRITE),
    "spaser:programmation_update": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_programmation.pk}),
    "spaser:programmation_delete": Rule(WRITE, kwargs=lambda w: {"pk": w.spaser_programmation.pk}),
    "spaser:programmation_export": Rule(READ, kwargs=lambda w: {"format": "xlsx"}),
    # Public site
    "spaser:public_home": Rule(public(200)),
    "spaser:public_pdf": Rule(public(200)),
    "spaser:public_indicateurs": Rule(public(200)),
    "spaser:public_donnees": Rule(public(200)),
    "spaser:public_decp": Rule(public(_decp_status())),
    "spaser:public_indicateurs_csv": Rule(public(200)),
    "spaser:public_indicateurs_json": Rule(public(200)),
    "spaser:public_programmation": Rule(
        public(200), query=f"?famille=&trimestre={date.today().year + 1}-T1&montant_min=1000&q=achat"
    ),
    "spaser:public_programmation_csv": Rule(public(200)),
    "spaser:public_programmation_xlsx": Rule(public(200)),
    "spaser:public_programmation_rss": Rule(public(200)),
}


def _owned(suffixe, cle="pk"):
    """world.spaser<suffixe> (the instance's), world.spaser<suffixe>_partenaire, ..._autre_partenaire."""

    def get(nom):
        return lambda w: {cle: getattr(w, f"spaser{suffixe}{nom}").pk}

    return Owned(instance=get(""), partenaire=get("_partenaire"), autre_partenaire=get("_autre_partenaire"))


OWNERSHIP = {
    "spaser:detail": _owned(""),
    "spaser:update": _owned(""),
    "spaser:delete": _owned(""),
    "spaser:adopter": _owned(""),
    "spaser:mettre_en_vigueur": _owned(""),
    "spaser:nouvelle_version": _owned(""),
    "spaser:evaluation": _owned(""),
    "spaser:evaluation_xlsx": _owned(""),
    "spaser:axe_create": _owned("", "parent"),
    "spaser:axe_update": _owned("_axe"),
    "spaser:axe_delete": _owned("_axe"),
    "spaser:objectif_create": _owned("_axe", "parent"),
    "spaser:objectif_update": _owned("_objectif"),
    "spaser:objectif_delete": _owned("_objectif"),
    "spaser:indicateur_create": _owned("_objectif", "parent"),
    "spaser:indicateur_update": _owned("_indicateur"),
    "spaser:indicateur_delete": _owned("_indicateur"),
    "spaser:indicateur_valeurs": _owned("_indicateur"),
    "spaser:action_create": _owned("", "parent"),
    "spaser:action_update": _owned("_action"),
    "spaser:action_delete": _owned("_action"),
    "spaser:document_create": _owned("", "parent"),
    "spaser:document_update": _owned("_document"),
    "spaser:document_delete": _owned("_document"),
    "spaser:programmation_update": _owned("_programmation"),
    "spaser:programmation_delete": _owned("_programmation"),
}
