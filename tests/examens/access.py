"""Role answers of every examens URL, and who owns the object each id names.

Acheteurs read and act on their own direction's examinations (another direction's: 404); facilitators give
opinions on the buyers they serve; the DCP decides; élus get the figures and the Matinale only; partners read
their own buyer's examinations (others: 404) and act on none."""

from tests.access import Owned, Rule, expected, only

LECTEURS = ("acheteur", "dcp", "facilitateur", "partenaire", "admin")
INTERNES = ("acheteur", "dcp", "facilitateur", "elu", "admin")


def build(world):
    import datetime

    from django.utils import timezone

    from tests.examens.factories import ExamenFactory, MarchePreparationFactory

    prep = MarchePreparationFactory
    world.e_prep = prep(acheteur=world.instance, direction=world.direction, identifiant="E-PREP")
    world.e_prep_autre_direction = prep(acheteur=world.instance, direction=world.autre_direction,
                                        identifiant="E-PREP-AD")
    world.e_prep_partenaire = prep(acheteur=world.partenaire, identifiant="E-PREP-PA")
    world.e_prep_autre_partenaire = prep(acheteur=world.autre_partenaire, identifiant="E-PREP-PB")

    def examen(acheteur, direction, ident, **kwargs):
        return ExamenFactory(marche=prep(acheteur=acheteur, direction=direction, identifiant=ident), **kwargs)

    world.e_examen = examen(world.instance, world.direction, "E-AVIS")
    world.e_examen_decision = examen(world.instance, world.direction, "E-DEC", a_decider=True)
    world.e_examen_lancement = examen(world.instance, world.direction, "E-LANC", a_lancer=True)
    for etat, extra in (("", {}), ("_decision", {"a_decider": True}), ("_lancement", {"a_lancer": True})):
        setattr(world, f"e_examen_partenaire{etat}", examen(world.partenaire, None, f"E-PA{etat}", **extra))
        setattr(world, f"e_examen_autre_partenaire{etat}",
                examen(world.autre_partenaire, None, f"E-PB{etat}", **extra))
        setattr(world, f"e_examen_autre_direction{etat}",
                examen(world.instance, world.autre_direction, f"E-AD{etat}", **extra))
    world.e_aujourdhui = timezone.localdate().isoformat()
    assert world.e_prep.date_lancement > datetime.date.today()


def _pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


def _marche(attr):
    return lambda w: {"marche_pk": getattr(w, attr).pk}


def _examens(etat=""):
    return {"partenaire": _pk(f"e_examen_partenaire{etat}"), "autre_partenaire": _pk(f"e_examen_autre_partenaire{etat}"),
            "autre_direction": _pk(f"e_examen_autre_direction{etat}")}


ACCESS = {
    "examens:list": Rule(only(200, *LECTEURS)),
    "examens:chiffres": Rule(only(200, *INTERNES), query="?annee=2026"),
    "examens:matinale": Rule(only(200, *INTERNES)),
    "examens:ouvrir": Rule(expected(403, acheteur=200, dcp=200, admin=200, partenaire=404),
                           kwargs=_marche("e_prep")),
    "examens:detail": Rule(expected(200, elu=403, partenaire=404), kwargs=_pk("e_examen")),
    "examens:avis": Rule(expected(403, facilitateur=200, admin=200, partenaire=404), kwargs=_pk("e_examen")),
    "examens:decision": Rule(only(200, "dcp", "admin"), kwargs=_pk("e_examen_decision")),
    # POST, role after role on the same examination: the buyer records the launch (302), then the step is past.
    "examens:lancement": Rule(expected(403, acheteur=302, partenaire=404), kwargs=_pk("e_examen_lancement"),
                              method="post", data=lambda w: {"date": w.e_aujourdhui}),
}

OWNERSHIP = {
    "examens:ouvrir": Owned(partenaire=_marche("e_prep_partenaire"), autre_partenaire=_marche("e_prep_autre_partenaire"),
                            instance=_marche("e_prep"), autre_direction=_marche("e_prep_autre_direction"),
                            data=lambda w: {"date_lancement_prevue": "2099-03-01"}),
    "examens:detail": Owned(instance=_pk("e_examen"), **_examens()),
    "examens:avis": Owned(instance=_pk("e_examen"), data=lambda w: {"clause": "non", "motifs": "Aucune"},
                          **_examens()),
    "examens:decision": Owned(instance=_pk("e_examen_decision"),
                              data=lambda w: {"types": ["critere_env"], "motif_non_retenu": "autre"},
                              **_examens("_decision")),
    "examens:lancement": Owned(instance=_pk("e_examen_lancement"), data=lambda w: {"date": w.e_aujourdhui},
                               **_examens("_lancement")),
}
