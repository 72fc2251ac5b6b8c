"""Role answers of every fse URL, and who owns the object each id names.

Operations and participations (the entry questionnaire with its sensitive answers, exit and 6-month answers),
the completeness page and the participant-level XLSX are for facilitators and administrators only. The report
of the common indicators is also read by élus and the DCP (cells under 3 people grouped) and by partners (their
own conventions' participants only); buyers and companies' contacts get nothing."""

from tests.access import NotOwned, Rule, only

FA = ("facilitateur", "admin")
RAPPORT = ("facilitateur", "admin", "elu", "dcp", "partenaire")


def build(world):
    import datetime
    from decimal import Decimal

    from fse.models import OperationFSE, ParticipationFSE

    world.fse_operation = OperationFSE.objects.create(
        reference="FSE-W-0001", intitule="Accompagnement vers l'emploi (matrice)", date_debut=datetime.date(2025, 1, 1),
        date_fin=datetime.date(2027, 12, 31), montant_fse=Decimal("120000"))
    world.fse_operation.conventions.add(world.f_convention)
    world.fse_participation = ParticipationFSE.objects.create(
        operation=world.fse_operation, participant=world.f_participant, convention=world.f_convention,
        date_entree=datetime.date(2025, 1, 15), date_information=datetime.date(2025, 1, 15),
        situation_entree="chomeur_ld", niveau_education="cite_0_2", handicap="nspr")


def _pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


OPERATION, PARTICIPATION = _pk("fse_operation"), _pk("fse_participation")

ACCESS = {
    "fse:rapport": Rule(only(200, *RAPPORT), query="?annee=2025"),
    "fse:export_xlsx": Rule(only(200, *FA), query="?annee=2025"),
    "fse:a_completer": Rule(only(200, *FA)),
    "fse:operations": Rule(only(200, *FA)),
    "fse:operation_create": Rule(only(200, *FA)),
    "fse:operation_detail": Rule(only(200, *FA), kwargs=OPERATION),
    "fse:operation_update": Rule(only(200, *FA), kwargs=OPERATION),
    "fse:participation_create": Rule(only(200, *FA), kwargs=OPERATION),
    "fse:participation_update": Rule(only(200, *FA), kwargs=PARTICIPATION),
    "fse:participation_sortie": Rule(only(200, *FA), kwargs=PARTICIPATION),
    "fse:participation_suivi": Rule(only(200, *FA), kwargs=PARTICIPATION),
}

OPERATION_FSE = NotOwned(
    "opération FSE+ de l'instance, qui finance les postes de facilitateurs : facilitateurs et administrateurs "
    "seulement, tout autre rôle 403 (matrice) ; les partenaires n'en lisent que les agrégats de leurs conventions "
    "(fse:rapport, sans identifiant dans l'URL)"
)
PARTICIPATION_FSE = NotOwned(
    "données personnelles d'un participant à une opération FSE+ (réponses sensibles comprises) : facilitateurs "
    "et administrateurs de l'instance seulement, tout autre rôle 403 (matrice)"
)

OWNERSHIP = {
    "fse:operation_detail": OPERATION_FSE,
    "fse:operation_update": OPERATION_FSE,
    "fse:participation_create": OPERATION_FSE,
    "fse:participation_update": PARTICIPATION_FSE,
    "fse:participation_sortie": PARTICIPATION_FSE,
    "fse:participation_suivi": PARTICIPATION_FSE,
}
