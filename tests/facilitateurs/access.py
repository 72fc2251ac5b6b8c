"""Role answers of every facilitateurs URL. Participants' pages are for facilitators and administrators only;
objects of another buyer answer 404 to a partner user."""

from tests.access import Rule, everyone, expected, only


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
    world.f_sortie = Sortie.objects.create(participant=world.f_participant, date_sortie=datetime.date(2025, 1, 31),
                                           categorie="EMPLOI_DURABLE")
    from facilitateurs.models import MiseEnEmploi
    from tests.marches.factories import EntrepriseFactory

    world.f_mise = MiseEnEmploi.objects.create(participant=world.f_participant, entreprise=EntrepriseFactory(),
                                               marche=world.f_marche, modalite="EMBAUCHE_DIRECTE", type_contrat="CDD",
                                               date_debut=datetime.date(2025, 9, 1))
    world.f_action = ActionSuivi.objects.create(marche=world.f_marche, quoi="Relancer le titulaire",
                                                echeance=datetime.date(2025, 1, 1))


FA = ("facilitateur", "admin")
PARTICIPANT = lambda w: {"pk": w.f_participant.pk}  # noqa: E731

ACCESS = {
    "facilitateurs:home": Rule(only(200, *FA, "partenaire")),
    "facilitateurs:conventions": Rule(everyone(200)),
    "facilitateurs:convention_create": Rule(only(200, "admin")),
    # another buyer's convention: not found for the partner user
    "facilitateurs:convention_detail": Rule(expected(200, partenaire=404),
                                            kwargs=lambda w: {"pk": w.f_convention_autre.pk}),
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
    "facilitateurs:suivi_marche": Rule(expected(200, partenaire=404), kwargs=lambda w: {"pk": w.f_marche_autre.pk}),
    "facilitateurs:grille": Rule(only(200, *FA), kwargs=lambda w: {"pk": w.f_marche.pk}, query="?mois=2025-09"),
    "facilitateurs:actions": Rule(only(200, *FA)),
    "facilitateurs:action_faite": Rule(only(302, *FA), kwargs=lambda w: {"pk": w.f_action.pk}, method="post"),
    "facilitateurs:import_upload": Rule(only(200, *FA)),
    # a token that is not in the user's session is not found
    "facilitateurs:import_preview": Rule(only(404, *FA), kwargs=lambda w: {"token": "inconnu"}),
}
