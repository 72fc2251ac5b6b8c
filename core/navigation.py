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
    ("Déclarations des entreprises", "declarations:a_valider", (F, ADM)),
    ("Examens avant lancement", "examens:list", (A, D, F, P, ADM)),
    ("Conventions", "facilitateurs:conventions", (A, D, F, E, P, ADM)),
    ("Tableaux de bord", "bilans:dashboard", (A, D, F, E, P, ADM)),
    ("SPASER", "spaser:index", (A, D, F, E, P, ADM)),
    ("Organisations", "core:organisations", (ADM, D)),
    ("Utilisateurs", "core:users", (ADM,)),
    ("Administration", "admin:index", (ADM,)),
    ("Mes courriels", "relances:preferences", (A, D, F, E, ADM, ENT)),
]


def menu_for(user):
    items = []
    for label, url_name, roles in MENU:
        if user.role not in roles:
            continue
        try:
            items.append({"label": label, "url": reverse(url_name), "name": url_name})
        except NoReverseMatch:
            continue
    return items
