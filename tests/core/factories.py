import factory

from core.enums import Role, TypeOrganisation
from core.models import Direction, Organisation, User
from core.utils import luhn_ok


def make_siret(n: int, prefix: str = "1") -> str:
    """A valid SIRET (Luhn key) built from a number: make_siret(1) != make_siret(2)."""
    base = f"{prefix}{n:012d}"[:13]
    for last in range(10):
        candidate = f"{base}{last}"
        if luhn_ok(candidate):
            return candidate
    raise AssertionError("unreachable")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("siret",)

    siret = factory.Sequence(lambda n: make_siret(n, "2"))
    nom = factory.Sequence(lambda n: f"Acheteur {n}")
    code_postal = "40000"
    type = TypeOrganisation.OPEN_DATA

    class Params:
        # One instance organisation per database: the trait always gets the same one.
        instance = factory.Trait(siret="22400001800016", type=TypeOrganisation.INSTANCE,
                                 nom="Département des Landes", code_postal="40025")
        partenaire = factory.Trait(type=TypeOrganisation.PARTENAIRE)


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction

    organisation = factory.SubFactory(OrganisationFactory, instance=True)
    nom = factory.Sequence(lambda n: f"Direction {n}")
    sigle = factory.Sequence(lambda n: f"D{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Prénom"
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    role = Role.ACHETEUR
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
