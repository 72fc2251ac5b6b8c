"""Demo organisations and accounts (password `demo`), written through core.services (organisation_enregistrer,
direction_enregistrer, user_enregistrer: validated, with their history rows). The instance is the Département des
Landes; its three partners under convention (demo.insertion) are a social landlord (XL Habitat, the Landes' public
housing office), an agglomeration (Mont de Marsan Agglomération) and a town (Ville de Dax).
Idempotent: running it again changes nothing."""

from django.contrib.auth.hashers import make_password

from core import services
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
        org = Organisation.objects.filter(siret=siret).first()
        if org is None:
            org = services.organisation_enregistrer(
                organisation=Organisation(siret=siret, nom=nom, code_postal=code_postal, type=type_),
                reason="Données de démonstration")
        organisations.append(org)
    directions = {}
    for nom, sigle in DIRECTIONS:
        direction = Direction.objects.filter(organisation=organisations[0], nom=nom).first()
        if direction is None:
            direction = services.direction_enregistrer(
                direction=Direction(organisation=organisations[0], nom=nom, sigle=sigle))
        directions[sigle] = direction
    existing = set(User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", flat=True))
    # One hash for the six accounts (the same password): hashing is deliberately slow, ~0.4 s each.
    password_hash = make_password(DEMO_PASSWORD) if len(existing) < len(ACCOUNTS) else ""
    for username, first_name, last_name, role, org_index, sigle in ACCOUNTS:
        if username in existing:
            continue
        user = User(username=username, first_name=first_name, last_name=last_name, role=role,
                    organisation=organisations[org_index], direction=directions.get(sigle),
                    email=f"{username}@demo.invalid", password=password_hash)
        services.user_enregistrer(target=user)
    if stdout:
        stdout.write(f"Organisations : {Organisation.objects.count()}, utilisateurs : {User.objects.count()}")
