from tests.access import NotOwned, Owned, Rule, expected, only

LECTURE = only(200, "acheteur", "dcp", "facilitateur", "elu", "admin")
GESTION = only(200, "dcp", "admin")
# A contract of the buyer's own direction: anyone internal reads it, the buyer/DCP/admin edit, partners get 404.
MARCHE_LECTURE = expected(200, partenaire=404)
MARCHE_ECRITURE = expected(403, acheteur=200, dcp=200, admin=200, partenaire=404)


def build(world):
    from decimal import Decimal

    from clauses.enums import TypeClause
    from clauses.models import ClauseMarche, ClauseModele
    from clauses.services import clause_modele_creer
    from marches.services import clause_marche_enregistrer
    from tests.clauses.factories import FamilleAchatFactory
    from tests.marches.factories import MarcheFactory

    world.cl_famille = FamilleAchatFactory(nom="Bâtiment (matrice)", prefixes_cpv=["45"])
    world.cl_modele = clause_modele_creer(
        modele=ClauseModele(titre="Insertion (matrice)", type_clause=TypeClause.INSERTION),
        texte="Le titulaire réalise {heures_requises} d'insertion.",
        familles=[world.cl_famille],
    )
    world.cl_marche = MarcheFactory(
        acheteur=world.instance,
        direction=world.direction,
        famille=world.cl_famille,
        montant_ht=Decimal("1000000"),
    )
    world.cl_clause = clause_marche_enregistrer(
        clause=ClauseMarche(
            marche=world.cl_marche, type_clause=TypeClause.INSERTION, version=world.cl_modele.version_courante
        )
    )
    world.cl_marche_autre_partenaire = MarcheFactory(acheteur=world.autre_partenaire)
    world.cl_marche_partenaire = MarcheFactory(acheteur=world.partenaire)
    world.cl_marche_autre_direction = MarcheFactory(acheteur=world.instance, direction=world.autre_direction)
    for nom in ("partenaire", "autre_partenaire", "autre_direction"):
        clause = ClauseMarche(
            marche=getattr(world, f"cl_marche_{nom}"),
            type_clause=TypeClause.INSERTION,
            version=world.cl_modele.version_courante,
        )
        setattr(world, f"cl_clause_{nom}", clause_marche_enregistrer(clause=clause))


ACCESS = {
    "clauses:index": Rule(LECTURE),
    "clauses:familles": Rule(LECTURE),
    "clauses:famille_create": Rule(GESTION),
    "clauses:famille_suggestion": Rule(LECTURE, query="?cpv=45210000-2"),
    "clauses:famille_detail": Rule(LECTURE, kwargs=lambda w: {"pk": w.cl_famille.pk}),
    "clauses:famille_update": Rule(GESTION, kwargs=lambda w: {"pk": w.cl_famille.pk}),
    "clauses:famille_archive": Rule(GESTION, kwargs=lambda w: {"pk": w.cl_famille.pk}),
    "clauses:clausier": Rule(LECTURE, query="?type=insertion&q=titulaire"),
    "clauses:clause_modele_create": Rule(GESTION),
    "clauses:clause_modele_detail": Rule(LECTURE, kwargs=lambda w: {"pk": w.cl_modele.pk}),
    "clauses:clause_modele_update": Rule(GESTION, kwargs=lambda w: {"pk": w.cl_modele.pk}),
    "clauses:clause_modele_archive": Rule(GESTION, kwargs=lambda w: {"pk": w.cl_modele.pk}),
    "clauses:marche_clauses": Rule(MARCHE_LECTURE, kwargs=lambda w: {"marche_pk": w.cl_marche.pk}),
    "clauses:clause_ajout": Rule(MARCHE_ECRITURE, kwargs=lambda w: {"marche_pk": w.cl_marche.pk}),
    "clauses:conseil": Rule(MARCHE_LECTURE, kwargs=lambda w: {"marche_pk": w.cl_marche.pk}),
    "clauses:clause_modifier": Rule(MARCHE_ECRITURE, kwargs=lambda w: {"pk": w.cl_clause.pk}),
    "clauses:clause_supprimer": Rule(MARCHE_ECRITURE, kwargs=lambda w: {"pk": w.cl_clause.pk}),
    "clauses:clause_telecharger": Rule(
        MARCHE_LECTURE, kwargs=lambda w: {"pk": w.cl_clause.pk}, query="?format=md"
    ),
    "clauses:conseil_brouillon": Rule(
        LECTURE, query="?montant=300000&cpv=45210000&date_lancement=2026-09-01"
    ),
    "clauses:diagnostics": Rule(LECTURE),
    "clauses:diagnostic_famille": Rule(LECTURE, kwargs=lambda w: {"famille_pk": w.cl_famille.pk}),
    "clauses:diagnostic_saisie": Rule(
        GESTION, kwargs=lambda w: {"famille_pk": w.cl_famille.pk, "annee": 2026}
    ),
}


def _objets(prefixe, cle):
    """Owned row for a contract's object: world.<prefixe>, world.<prefixe>_partenaire, ..."""

    def get(suffixe):
        return lambda w: {cle: getattr(w, prefixe + suffixe).pk}

    return {
        "instance": get(""),
        "partenaire": get("_partenaire"),
        "autre_partenaire": get("_autre_partenaire"),
    }


MARCHE = _objets("cl_marche", "marche_pk")
CLAUSE = _objets("cl_clause", "pk")
REFERENTIEL = NotOwned(
    "référentiel commun à l'instance (familles d'achat, clausier, autodiagnostic par famille) : "
    "aucun acheteur ne le possède ; lecture interne, gestion DCP/admin (matrice)"
)

OWNERSHIP = {
    "clauses:famille_detail": REFERENTIEL,
    "clauses:famille_update": REFERENTIEL,
    "clauses:famille_archive": REFERENTIEL,
    "clauses:clause_modele_detail": REFERENTIEL,
    "clauses:clause_modele_update": REFERENTIEL,
    "clauses:clause_modele_archive": REFERENTIEL,
    "clauses:diagnostic_famille": REFERENTIEL,
    "clauses:diagnostic_saisie": REFERENTIEL,
    "clauses:marche_clauses": Owned(**MARCHE),
    "clauses:conseil": Owned(**MARCHE),
    "clauses:clause_ajout": Owned(
        **MARCHE, autre_direction=lambda w: {"marche_pk": w.cl_marche_autre_direction.pk}
    ),
    "clauses:clause_telecharger": Owned(**CLAUSE),
    "clauses:clause_modifier": Owned(
        **CLAUSE, autre_direction=lambda w: {"pk": w.cl_clause_autre_direction.pk}
    ),
    "clauses:clause_supprimer": Owned(
        **CLAUSE, autre_direction=lambda w: {"pk": w.cl_clause_autre_direction.pk}
    ),
}
