"""Demo data of FSE+ reporting (after demo.insertion.seed): one operation funded by the European Social Fund
Plus, covering the facilitators and the conventions that carry an FSE reference, and the participants who
started a placement during the operation, with their entry questionnaire, the answers at exit (the exit itself
is the participant's existing Sortie) and six months after.

Realistic mixes for clause-based insertion: mostly unemployed or long-term unemployed at entry, ISCED 0-2 and
3-4 for most, a few "ne souhaite pas répondre"; and some records left incomplete, as in real life: entry
questions missing, exits without answers, 6-month follow-ups overdue.

Writes go through fse.services; deterministic (seeded random); idempotent: once the operation exists, nothing
is added."""

import datetime
import random
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from core.models import User
from facilitateurs.enums import CategorieSortie, Public
from facilitateurs.models import Convention, MiseEnEmploi, Participant
from fse import selectors, services
from fse.enums import NiveauEducation, ReponseSensible, SituationEntree
from fse.models import OperationFSE, ParticipationFSE

from .insertion import CODE_PREFIX

REFERENCE = "202302345"
INTITULE = "Facilitation des clauses sociales des Landes 2023-2027"
DEBUT, FIN = datetime.date(2023, 1, 1), datetime.date(2027, 12, 31)
MONTANT = Decimal("412500.00")
REASON = "Données de démonstration"
VILLES = ("40000", "40100")  # Mont-de-Marsan and Dax; the other demo communes are rural

SITUATIONS = [SituationEntree.CHOMEUR_LONGUE_DUREE] * 9 + [SituationEntree.CHOMEUR] * 6 + [
    SituationEntree.INACTIF] * 3 + [SituationEntree.EMPLOYE] * 2
NIVEAUX = [NiveauEducation.CITE_0_2] * 10 + [NiveauEducation.CITE_3_4] * 8 + [NiveauEducation.CITE_5_8] * 2


def _write(stdout, text):
    if stdout is not None:
        stdout.write(text)


def _sensible(rng, part_oui: float, part_nspr: float = 0.04) -> str:
    tirage = rng.random()
    if tirage < part_nspr:
        return ReponseSensible.NSPR
    return ReponseSensible.OUI if tirage < part_nspr + part_oui else ReponseSensible.NON


def seed(stdout=None, aujourd_hui: datetime.date | None = None):
    today = aujourd_hui or timezone.localdate()
    if OperationFSE.objects.filter(reference=REFERENCE).exists():
        _write(stdout, f"FSE+ : déjà chargé ({OperationFSE.objects.get(reference=REFERENCE).participations.count()} "
                       "participants).")
        return
    rng = random.Random(1057)
    admin = User.objects.filter(username="admin").first()
    facilitateur = User.objects.filter(username="facilitateur").first()
    conventions = list(Convention.objects.exclude(fse_reference="").order_by("date_debut", "pk"))
    operation = services.operation_enregistrer(
        user=admin, reason=REASON, reference=REFERENCE, intitule=INTITULE, date_debut=DEBUT, date_fin=FIN,
        montant_fse=MONTANT, facilitateurs=[facilitateur] if facilitateur else [], conventions=conventions)
    convention_du_marche = {}
    for convention in conventions:
        for marche_id in convention.marches.values_list("pk", flat=True):
            convention_du_marche.setdefault(marche_id, convention)

    # The demo participants who started a placement during the operation: they enter on that day.
    premieres = (MiseEnEmploi.objects.filter(participant__code__startswith=CODE_PREFIX)
                 .values("participant").annotate(debut=Min("date_debut"))
                 .filter(debut__gte=DEBUT, debut__lte=min(FIN, today)).order_by("debut", "participant"))
    premieres = list(premieres)
    participants = Participant.objects.in_bulk([p["participant"] for p in premieres])
    marche_de = {}
    for mise in MiseEnEmploi.objects.filter(participant__in=participants).order_by("date_debut", "pk"):
        marche_de.setdefault(mise.participant_id, mise.marche_id)
    handicapes = set(Participant.objects.filter(pk__in=participants, eligibilites__public=Public.TH)
                     .values_list("pk", flat=True))

    nombre = 0
    for n, ligne in enumerate(premieres):
        participant = participants[ligne["participant"]]
        entree = ligne["debut"]
        champs = {
            "operation": operation, "participant": participant,
            "convention": convention_du_marche.get(marche_de.get(participant.pk)),
            "date_entree": entree, "date_information": max(entree - datetime.timedelta(days=rng.randint(0, 10)), DEBUT),
            "situation_entree": rng.choice(SITUATIONS), "niveau_education": rng.choice(NIVEAUX),
            "handicap": ReponseSensible.OUI if participant.pk in handicapes else _sensible(rng, 0.03),
            "pays_tiers": _sensible(rng, 0.05), "origine_etrangere": _sensible(rng, 0.10, 0.06),
            "minorite": _sensible(rng, 0.02, 0.08), "sans_abri": _sensible(rng, 0.04),
            "zone_rurale": ReponseSensible.NON if participant.code_postal in VILLES else ReponseSensible.OUI,
        }
        if n % 14 == 3:  # entry questionnaire left unfinished
            champs["niveau_education"] = ""
            champs[rng.choice(["zone_rurale", "origine_etrangere", "minorite"])] = ""
        sortie = selectors.sortie_de(ParticipationFSE(participant=participant, date_entree=entree))
        if sortie is not None and sortie.date_sortie <= today and n % 15 != 4:  # some exits without answers
            en_emploi = sortie.categorie in (CategorieSortie.EMPLOI_DURABLE, CategorieSortie.EMPLOI_TRANSITION)
            champs["sortie_recherche_emploi"] = not en_emploi and rng.random() < 0.8
            champs["sortie_formation"] = sortie.categorie == CategorieSortie.SORTIE_POSITIVE or rng.random() < 0.05
            champs["sortie_qualification"] = rng.random() < (0.45 if sortie.categorie == CategorieSortie.SORTIE_POSITIVE
                                                             else 0.2)
        if sortie is not None and sortie.categorie_6_mois and n % 23 != 6:  # some 6-month answers missing
            champs["situation_amelioree_6_mois"] = (sortie.categorie_6_mois == CategorieSortie.EMPLOI_DURABLE
                                                    and sortie.categorie != CategorieSortie.EMPLOI_DURABLE)
        services.participation_enregistrer(user=facilitateur, reason=REASON, **champs)
        nombre += 1
    incompletes = sum(selectors.incomplet(p, today) for p in selectors.participations(operation=operation))
    _write(stdout, f"FSE+ : opération {REFERENCE}, {nombre} participants dont {incompletes} dossiers incomplets.")

