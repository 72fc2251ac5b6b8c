from tests.access import NotOwned, Owned, Rule, everyone, expected, only, public


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
    # A threshold with a past version, for the administration's history pages.
    from marches.models import SeuilEuropeen
    from marches.services import seuil_enregistrer

    world.adm_seuil = seuil_enregistrer(seuil=SeuilEuropeen.objects.order_by("pk").first(), user=world.users["admin"])


ADMIN_ONLY = only(200, "admin")

ACCESS = {
    "login": Rule(expected(302, anonyme=200, entreprise=302)),  # a logged-in user is sent to their home
    "logout": Rule(expected(302, anonyme=302, entreprise=302), method="post"),
    "health": Rule(public(200)),
    # Password reset (anyone, logged in or not: it names no account) and change (one's own, logged in).
    "password_reset": Rule(public(200)),
    "password_reset_done": Rule(public(200)),
    "password_reset_confirm": Rule(public(200), kwargs=lambda w: {"uidb64": "MQ", "token": "lien-invalide"}),
    "password_reset_complete": Rule(public(200)),
    "password_change": Rule(everyone(200) | {"entreprise": 200}),  # a company's contact changes its password too
    "password_change_done": Rule(everyone(200) | {"entreprise": 200}),
    "core:home": Rule(everyone(200) | {"entreprise": 200}),  # a company's contact: its contracts
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
    # Legal pages (RGAA statement, legal notice, site map): public, linked from every page's footer.
    "core:accessibilite": Rule(public(200)),
    "core:mentions_legales": Rule(public(200)),
    "core:plan_du_site": Rule(public(200)),
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


# --- The administration (core.admin_site, /administration/) ---------------------------------------------------
# One row per URL of the site, generated from its registry: a model registered there gets its rows here, so
# its pages are tried for every role. The object each model's pages open (world -> object):
OBJETS_ADMINISTRATION = {
    "core.organisation": lambda w: w.partenaire,
    "core.direction": lambda w: w.direction,
    "core.user": lambda w: w.users["elu"],
    "clauses.familleachat": lambda w: w.cl_famille,
    "marches.seuileuropeen": lambda w: w.adm_seuil,
    "facilitateurs.convention": lambda w: w.f_convention,
}


def _object_id(get):
    return lambda w: {"object_id": get(w).pk}


def _version(get):
    return lambda w: {"object_id": get(w).pk, "version_id": get(w).history.first().history_id}


def _view_on_site(w):
    from django.contrib.contenttypes.models import ContentType

    return {"content_type_id": ContentType.objects.get_for_model(w.partenaire).pk, "object_id": w.partenaire.pk}


def _administration():
    from core.admin_site import site

    access = {
        "admin:index": Rule(ADMIN_ONLY),
        "admin:app_list": Rule(ADMIN_ONLY, kwargs=lambda w: {"app_label": "core"}),
        # The application's login page for everyone (the admin's own login form is not used).
        "admin:login": Rule(expected(302, entreprise=302)),
        "admin:logout": Rule(only(302, "admin"), method="post"),  # to the login page (LOGOUT_REDIRECT_URL)
        "admin:password_change": Rule(ADMIN_ONLY),
        "admin:password_change_done": Rule(ADMIN_ONLY),
        "admin:autocomplete": Rule(
            ADMIN_ONLY, query="?app_label=core&model_name=user&field_name=organisation&term=Partenaire"
        ),
        "admin:jsi18n": Rule(ADMIN_ONLY),
        # No model of the site has a public page (get_absolute_url): 404 for the administrator.
        "admin:view_on_site": Rule(only(404, "admin"), kwargs=_view_on_site),
    }
    ownership = {}
    for model in site._registry:
        label = model._meta.label_lower
        assert label in OBJETS_ADMINISTRATION, f"{label} est dans l'administration : nommer son objet ici"
        get = OBJETS_ADMINISTRATION[label]
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        access |= {
            f"{prefix}_changelist": Rule(ADMIN_ONLY),
            f"{prefix}_add": Rule(ADMIN_ONLY),
            f"{prefix}_change": Rule(ADMIN_ONLY, kwargs=_object_id(get)),
            f"{prefix}_history": Rule(ADMIN_ONLY, kwargs=_object_id(get)),
            f"{prefix}_simple_history": Rule(ADMIN_ONLY, kwargs=_version(get)),
            # Nothing is deleted in the administration, not even by an administrator.
            f"{prefix}_delete": Rule(expected(403), kwargs=_object_id(get)),
        }
        ownership[f"{prefix}_simple_history"] = NotOwned(
            "Version passée d'une donnée de référence, lue par les seuls administrateurs (tous acheteurs)."
        )
    return access, ownership


_ADMINISTRATION, _ADMINISTRATION_OWNERSHIP = _administration()
ACCESS |= _ADMINISTRATION
OWNERSHIP |= _ADMINISTRATION_OWNERSHIP
