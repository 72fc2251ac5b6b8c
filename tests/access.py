"""The permission matrix: every URL pattern × every role → the expected HTTP status.

Each app declares its rows in `tests/<app>/access.py`:

    def build(world): ...          # optional: add the objects its URLs need to `world`
    ACCESS = {
        "marches:detail": Rule(only(200, "dcp", "acheteur"), kwargs=lambda w: {"pk": w.marche.pk}),
    }

`tests/test_access_matrix.py` fails when a URL pattern has no row, so a new view cannot ship
without its permissions being stated and tested.

Every URL that takes an object id (an `int` in its pattern) also has an ownership row in the app's
`OWNERSHIP` dict: either `Owned(...)`, naming an object of each buyer, or `NotOwned("why")`. The matrix then
tries each id from a user of another buyer (partner B on partner A's object, partner A on the instance's and
partner B's, a partner user without organisation on both) and, for URLs that change a contract, from a buyer
of another direction: every attempt, GET and POST, must answer 403/404 (405 for a method the view does not
take) and leave the database unchanged. `tests/robustesse/test_access_*.py` add the query-string ids, the
participants' identities, CSRF, login throttling and the production settings.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from types import SimpleNamespace

# `entreprise`: a company's contact, who sees only its company's clause contracts and declarations.
ROLES = ("anonyme", "acheteur", "dcp", "facilitateur", "elu", "partenaire", "admin", "entreprise")
STAFF = ("acheteur", "dcp", "facilitateur", "elu", "admin")
APPS = ("core", "clauses", "marches", "facilitateurs", "fse", "examens", "declarations", "bilans", "spaser",
        "relances")  # build order


def expected(default, anonyme=302, entreprise=403, **roles) -> dict:
    """expected(403, dcp=200, admin=200): every role gets `default` unless named; anonymous -> login; a company's
    contact (`entreprise`) 403 unless named: it reaches no page of the buyers' side."""
    result = {role: default for role in ROLES}
    result["anonyme"] = anonyme
    result["entreprise"] = entreprise
    result.update(roles)
    return result


def only(status, *allowed, other=403, anonyme=302) -> dict:
    """only(200, "dcp", "admin"): those roles get `status`, other logged-in roles `other`."""
    return expected(other, anonyme=anonyme, **{role: status for role in allowed})


def everyone(status=200, anonyme=302) -> dict:
    """Every role of the buyers' side (staff and partner users); a company's contact gets 403 (name it to change)."""
    return expected(status, anonyme=anonyme)


def public(status=200) -> dict:
    """Public pages: everybody, logged in or not, a company's contact included."""
    return expected(status, anonyme=status, entreprise=status)


@dataclass
class Rule:
    expected: dict
    kwargs: Callable | None = None  # world -> URL kwargs
    method: str = "get"
    data: Callable | None = None  # world -> POST data
    query: str = ""  # appended to the URL, e.g. "?annee=2025"
    extra: dict = field(default_factory=dict)


@dataclass
class Owned:
    """The object named by the URL's id belongs to one buyer. Each field: world -> URL kwargs naming an object
    of that buyer (None: the buyer cannot own one). `autre_direction`: only for URLs that change a contract,
    an object of the instance in another direction than the matrix's buyer (acheteurs edit their own only)."""

    partenaire: Callable  # Partenaire A's object (the matrix's partner user belongs to A)
    autre_partenaire: Callable  # Partenaire B's object
    instance: Callable | None = None
    autre_direction: Callable | None = None
    data: Callable | None = None  # world -> POST data for the attempts (default: the matrix row's, else none)


@dataclass
class NotOwned:
    """The URL's id names an object no buyer owns (shared referential, public page...): say why."""

    reason: str


def _access_modules():
    """tests/<app>/access.py of every app that has one."""
    for app in APPS:
        try:
            yield import_module(f"tests.{app}.access")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{app}.access":
                raise


def load_ownership():
    ownership = {}
    for module in _access_modules():
        declared = getattr(module, "OWNERSHIP", {})
        overlap = set(ownership) & set(declared)
        assert not overlap, f"Ownership declared twice: {overlap}"
        ownership.update(declared)
    return ownership


def load_access():
    rules = {}
    builders = []
    for module in _access_modules():
        overlap = set(rules) & set(module.ACCESS)
        assert not overlap, f"URL names declared twice: {overlap}"
        rules.update(module.ACCESS)
        if hasattr(module, "build"):
            builders.append(module.build)
    return rules, builders


def build_world():
    """One buyer of the instance, two partner buyers, a user per role; apps add their objects."""
    from core.enums import Role
    from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory

    world = SimpleNamespace()
    world.instance = OrganisationFactory(instance=True)
    world.direction = DirectionFactory(organisation=world.instance)
    world.autre_direction = DirectionFactory(organisation=world.instance)
    world.partenaire = OrganisationFactory(partenaire=True, nom="Partenaire A")
    world.autre_partenaire = OrganisationFactory(partenaire=True, nom="Partenaire B")
    world.users = {
        "acheteur": UserFactory(
            username="m-acheteur", role=Role.ACHETEUR, organisation=world.instance, direction=world.direction
        ),
        "dcp": UserFactory(username="m-dcp", role=Role.DCP, organisation=world.instance),
        "facilitateur": UserFactory(
            username="m-facilitateur", role=Role.FACILITATEUR, organisation=world.instance
        ),
        "elu": UserFactory(username="m-elu", role=Role.ELU, organisation=world.instance),
        "partenaire": UserFactory(
            username="m-partenaire", role=Role.PARTENAIRE, organisation=world.partenaire
        ),
        "admin": UserFactory(username="m-admin", role=Role.ADMIN, organisation=world.instance),
        # Linked to its company by tests/declarations/access.py (declarations.ContactEntreprise).
        "entreprise": UserFactory(username="m-entreprise", role=Role.ENTREPRISE, email="m-entreprise@exemple.invalid"),
    }
    # Not a role of the matrix: the user of the other partner buyer, for the ownership attempts.
    world.partenaire_b = UserFactory(
        username="m-partenaire-b", role=Role.PARTENAIRE, organisation=world.autre_partenaire
    )
    world.partenaire_sans_organisation = UserFactory(
        username="m-partenaire-sans-org", role=Role.PARTENAIRE, organisation=None
    )
    _, builders = load_access()
    for build in builders:
        build(world)
    return world


def url_patterns(resolver=None, namespace=""):
    """Every URL pattern of the project, as (namespaced name, pattern)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from url_patterns(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern without a name: {pattern.pattern}"
            yield f"{namespace}{pattern.name}", pattern
