"""Role answers of every facilitateurs URL. Participants' pages are for facilitators and administrators only;
objects of another buyer answer 404 to a partner user."""

from tests.access import NotOwned, Owned, Rule, everyone, expected, only


def build(world):
    import datetime

    from facilitateurs.models import ActionSuivi, Sortie
    from tests.clauses.factories import ClauseMarcheFactory
    from tests.facilitateurs.factories import ConventionFactory, IdentiteParticipantFactory
    from tests.marches.factories import MarcheFactory

    world.f_marche = MarcheFactory(acheteur=world.partenaire)
    world.f_marche_autre = MarcheFactory(acheteur=world.autre_partenaire)
    ClauseMarcheFactory(marche=world.f_marche, heures_requises=500)
    ClauseMarcheFactory(marche=world.f_marche_autre, heures_requises=500)
    world.f_convention = ConventionFactory(partenaire=world.partenaire)
    world.f_convention_autre = ConventionFactory(partenaire=world.autre_partenaire)
    world.f_convention_autre.marches.add(world.f_marche_autre)
    world.f_participant = IdentiteParticipantFactory().participant
    world.f_sortie = Sortie.objects.create(
        participant=world.f_participant, date_sortie=datetime.date(2025, 1, 31), categorie="EMPLOI_DURABLE"
    )
    from facilitateurs.models import MiseEnEmploi
    from tests.marches.factories import EntrepriseFactory

    world.f_mise = MiseEnEmploi.objects.create(
        participant=world.f_participant,
        entreprise=EntrepriseFactory(),
        marche=world.f_marche,
        modalite="EMBAUCHE_DIRECTE",
        type_contrat="CDD",
        date_debut=datetime.date(2025, 9, 1),
    )
    world.f_action = ActionSuivi.objects.create(
        marche=world.f_marche, quoi="Relancer le titulaire", echeance=datetime.date(2025, 1, 1)
    )
    # For the ownership attempts: a contract of the instance, an action on each buyer's contract.
    world.f_marche_instance = MarcheFactory(acheteur=world.instance, direction=world.direction)
    ClauseMarcheFactory(marche=world.f_marche_instance, heures_requises=500)
    world.f_action_autre = ActionSuivi.objects.create(
        marche=world.f_marche_autre, quoi="Relancer", echeance=datetime.date(2025, 1, 1)
    )
    world.f_action_instance = ActionSuivi.objects.create(
        marche=world.f_marche_instance, quoi="Relancer", echeance=datetime.date(2025, 1, 1)
    )


FA = ("facilitateur", "admin")
PARTICIPANT = lambda w: {"pk": w.f_participant.pk}  # noqa: E731

ACCESS = {
    "facilitateurs:home": Rule(only(200, *FA, "partenaire")),
    "facilitateurs:conventions": Rule(everyone(200)),
    "facilitateurs:convention_create": Rule(only(200, "admin")),
    # another buyer's convention: not found for the partner user
    "facilitateurs:convention_detail": Rule(
        expected(200, partenaire=404), kwargs=lambda w: {"pk": w.f_convention_autre.pk}
    ),
    "facilitateurs:convention_update": Rule(only(200, "admin"), kwargs=lambda w: {"pk": w.f_convention.pk}),
    "facilitateurs:participants": Rule(only(200, *FA)),
    "facilitateurs:participant_create": Rule(only(200, *FA)),
    "facilitateurs:participant_detail": Rule(only(200, *FA), kwargs=PARTICIPANT),
    "facilitateurs:participant_update": Rule(only(200, *FA), kwargs=PARTICIPANT),
    "facilitateurs:eligibilite_create": Rule(only(200, *FA), kwargs=PARTICIPANT),
    "facilitateurs:mise_en_emploi_create": Rule(only(200, *FA), kwargs=PARTICIPANT),
    "facilitateurs:sortie_create": Rule(only(200, *FA), kwargs=PARTICIPANT),
    "facilitateurs:participant_export": Rule(only(200, *FA), kwargs=PARTICIPANT),
    "facilitateurs:mise_en_emploi_update": Rule(only(200, *FA), kwargs=lambda w: {"pk": w.f_mise.pk}),
    "facilitateurs:sortie_update": Rule(only(200, *FA), kwargs=lambda w: {"pk": w.f_sortie.pk}),
    # another buyer's contract: not found for the partner user
    "facilitateurs:suivi_marche": Rule(
        expected(200, partenaire=404), kwargs=lambda w: {"pk": w.f_marche_autre.pk}
    ),
    "facilitateurs:grille": Rule(
        only(200, *FA), kwargs=lambda w: {"pk": w.f_marche.pk}, query="?mois=2025-09"
    ),
    "facilitateurs:actions": Rule(only(200, *FA)),
    "facilitateurs:action_faite": Rule(only(302, *FA), kwargs=lambda w: {"pk": w.f_action.pk}, method="post"),
    "facilitateurs:import_upload": Rule(only(200, *FA)),
    "facilitateurs:import_modele": Rule(only(200, *FA), kwargs=lambda w: {"type": "heures", "format": "xlsx"}),
    # a token that is not in the user's session is not found
    "facilitateurs:import_preview": Rule(only(404, *FA), kwargs=lambda w: {"token": "inconnu"}),
}


def _pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


SUIVI_MARCHE = Owned(
    instance=_pk("f_marche_instance"), partenaire=_pk("f_marche"), autre_partenaire=_pk("f_marche_autre")
)
PERSONNEL = NotOwned(
    "données personnelles d'un participant (ou de son parcours) : facilitateurs et "
    "administrateurs de l'instance seulement, tout autre rôle 403 (matrice) ; jamais d'identité "
    "ailleurs (tests/robustesse/test_access_identites.py)"
)

OWNERSHIP = {
    "facilitateurs:convention_detail": Owned(
        partenaire=_pk("f_convention"), autre_partenaire=_pk("f_convention_autre")
    ),
    "facilitateurs:convention_update": Owned(
        partenaire=_pk("f_convention"), autre_partenaire=_pk("f_convention_autre")
    ),
    "facilitateurs:participant_detail": PERSONNEL,
    "facilitateurs:participant_update": PERSONNEL,
    "facilitateurs:eligibilite_create": PERSONNEL,
    "facilitateurs:mise_en_emploi_create": PERSONNEL,
    "facilitateurs:sortie_create": PERSONNEL,
    "facilitateurs:participant_export": PERSONNEL,
    "facilitateurs:mise_en_emploi_update": PERSONNEL,
    "facilitateurs:sortie_update": PERSONNEL,
    "facilitateurs:suivi_marche": SUIVI_MARCHE,
    "facilitateurs:grille": SUIVI_MARCHE,
    "facilitateurs:action_faite": Owned(
        instance=_pk("f_action_instance"), partenaire=_pk("f_action"), autre_partenaire=_pk("f_action_autre")
    ),
}
