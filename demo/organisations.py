"""Demo organisations and accounts (password `demo`). Idempotent: running it again changes nothing."""

from core.enums import Role, TypeOrganisation
from core.models import Direction, Organisation, User

DEMO_PASSWORD = "demo"

ORGANISATIONS = [
    # siret, nom, code postal, type
    ("22400001800016", "Département des Landes", "40025", TypeOrganisation.INSTANCE),
    ("27400012300019", "XL Habitat (office public de l'habitat des Landes)", "40000", TypeOrganisation.PARTENAIRE),
    ("20007125300013", "Mont de Marsan Agglomération", "40000", TypeOrganisation.PARTENAIRE),
    ("21400088600017", "Ville de Dax", "40100", TypeOrganisation.PARTENAIRE),
]

DIRECTIONS = [
    ("Direction de la Commande Publique", "DCP"),
    ("Direction des Routes et des Mobilités", "DRM"),
    ("Direction du Patrimoine Départemental", "DPD"),
    ("Direction de l'Éducation, de la Jeunesse et des Sports", "DEJS"),
    ("Direction de la Solidarité Départementale", "DSD"),
    ("Direction de l'Environnement", "DENV"),
]

ACCOUNTS = [
    # username, first name, last name, role, organisation index, direction sigle
    ("acheteur", "Claire", "Dupouy", Role.ACHETEUR, 0, "DPD"),
    ("dcp", "Marc", "Lacoste", Role.DCP, 0, "DCP"),
    ("facilitateur", "Sophie", "Bergès", Role.FACILITATEUR, 0, None),
    ("elu", "Henri", "Laborde", Role.ELU, 0, None),
    ("partenaire", "Julie", "Castaing", Role.PARTENAIRE, 1, None),
    ("admin", "Paul", "Destribats", Role.ADMIN, 0, None),
]


def seed(stdout=None):
    organisations = []
    for siret, nom, code_postal, type_ in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(
            siret=siret, defaults={"nom": nom, "code_postal": code_postal, "type": type_}
        )
        organisations.append(org)
    directions = {}
    for nom, sigle in DIRECTIONS:
        direction, _ = Direction.objects.get_or_create(organisation=organisations[0], nom=nom, defaults={"sigle": sigle})
        directions[sigle] = direction
    for username, first_name, last_name, role, org_index, sigle in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username, first_name=first_name, last_name=last_name, role=role,
                organisation=organisations[org_index], direction=directions.get(sigle),
                email=f"{username}@demo.invalid",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
    if stdout:
        stdout.write(f"Organisations : {Organisation.objects.count()}, utilisateurs : {User.objects.count()}")
