from tests.access import Owned, Rule, everyone, expected, only, public


def build(world):
    from core.models import Tache

    world.organisation = world.autre_partenaire
    world.tache = Tache.objects.create(type="verification_worker", demandee_par=world.users["admin"])
    world.tache_partenaire = Tache.objects.create(
        type="bilan", demandee_par=world.users["partenaire"], organisation=world.partenaire
    )
    world.tache_autre_partenaire = Tache.objects.create(
        type="bilan", demandee_par=world.partenaire_b, organisation=world.autre_partenaire
    )


ADMIN_ONLY = only(200, "admin")

ACCESS = {
    "login": Rule(expected(302, anonyme=200)),  # a logged-in user is sent to their home
    "logout": Rule(expected(302, anonyme=302), method="post"),
    "health": Rule(public(200)),
    "core:home": Rule(everyone(200)),
    "core:organisations": Rule(only(200, "admin", "dcp")),
    "core:organisation_create": Rule(ADMIN_ONLY),
    "core:organisation_detail": Rule(only(200, "admin", "dcp"), kwargs=lambda w: {"pk": w.organisation.pk}),
    "core:organisation_update": Rule(ADMIN_ONLY, kwargs=lambda w: {"pk": w.organisation.pk}),
    "core:direction_create": Rule(ADMIN_ONLY, kwargs=lambda w: {"pk": w.instance.pk}),
    "core:users": Rule(ADMIN_ONLY),
    "core:user_create": Rule(ADMIN_ONLY),
    "core:user_update": Rule(ADMIN_ONLY, kwargs=lambda w: {"pk": w.users["elu"].pk}),
    "core:taches": Rule(everyone(200)),
    # Another user's job is not found (404) rather than forbidden: ids are not an oracle.
    "core:tache_detail": Rule(only(200, "admin", other=404), kwargs=lambda w: {"pk": w.tache.pk}),
    "core:verifier_worker": Rule(only(302, "admin"), method="post"),
}


def _pk(get):
    return lambda w: {"pk": get(w).pk}


ORGANISATION = Owned(
    instance=_pk(lambda w: w.instance),
    partenaire=_pk(lambda w: w.partenaire),
    autre_partenaire=_pk(lambda w: w.autre_partenaire),
)

OWNERSHIP = {
    "core:organisation_detail": ORGANISATION,
    "core:organisation_update": ORGANISATION,
    "core:direction_create": ORGANISATION,
    "core:user_update": Owned(
        instance=_pk(lambda w: w.users["elu"]),
        partenaire=_pk(lambda w: w.users["partenaire"]),
        autre_partenaire=_pk(lambda w: w.partenaire_b),
    ),
    "core:tache_detail": Owned(
        instance=_pk(lambda w: w.tache),
        partenaire=_pk(lambda w: w.tache_partenaire),
        autre_partenaire=_pk(lambda w: w.tache_autre_partenaire),
    ),
}
