"""The navigation bar by role. Each entry names a URL; entries whose URL does not exist are left out."""

from django.urls import NoReverseMatch, reverse

from .enums import Role

A, D, F, E, P, ADM = Role.ACHETEUR, Role.DCP, Role.FACILITATEUR, Role.ELU, Role.PARTENAIRE, Role.ADMIN
ENT = Role.ENTREPRISE

MENU = [
    ("Accueil", "core:home", (A, D, F, E, P, ADM, ENT)),
    ("Mes marchés", "declarations:marches", (ENT,)),
    ("Marchés", "marches:list", (A, D, F, E, P, ADM)),
    ("Clauses", "clauses:index", (A, D, F, E, ADM)),
    ("Suivi de l'insertion", "facilitateurs:home", (F, ADM, P)),
    ("Déclarations", "declarations:a_valider", (F, ADM)),
    ("FSE+", "fse:rapport", (D, F, E, P, ADM)),
    ("Examens", "examens:list", (A, D, F, P, ADM)),
    ("Conventions", "facilitateurs:conventions", (A, D, F, E, P, ADM)),
    ("Tableaux de bord", "bilans:dashboard", (A, D, F, E, P, ADM)),
    ("SPASER", "spaser:index", (A, D, F, E, P, ADM)),
    ("Organisations", "core:organisations", (ADM, D)),
    ("Utilisateurs", "core:users", (ADM,)),
    ("Administration", "admin:index", (ADM,)),
    ("Mes courriels", "relances:preferences", (A, D, F, E, ADM, ENT)),
]


# Entries shown in a drop-down of the bar rather than on it, so that the bar fits one line at 1366 px:
# "administration" under an "Administration" menu, "compte" under the user's account menu (templates/base.html).
GROUPES = {
    "core:organisations": "administration",
    "core:users": "administration",
    "admin:index": "administration",
    "relances:preferences": "compte",
}


def menu_for(user):
    items = []
    for label, url_name, roles in MENU:
        if user.role not in roles:
            continue
        try:
            items.append(
                {"label": label, "url": reverse(url_name), "name": url_name, "groupe": GROUPES.get(url_name, "")}
            )
        except NoReverseMatch:
            continue
    return items
