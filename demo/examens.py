"""Demo examinations before launch (issue 18): a year of them on the contracts launched since 1 January 2026
(most examined before launch, a few decided too late or never examined, realistic outcomes: insertion clauses
retained on works and cleaning, small or short contracts and those without local supply not retained), and a
few waiting on each role — the facilitator's opinion, the DCP's decision, the buyer's launch, contracts in
preparation still to examine — written through examens.services.

The past year is written as it happened (its dates are in the past, so the rows are built here with the dates
they had, each with its history row); the waiting ones go through the services. Idempotent: contracts that
already have an examination are left as they are; the contracts in preparation are found by identifier."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from clauses.enums import TypeClause
from core.models import Direction, Organisation, User
from core.services import auteur_noter
from examens import services
from examens.enums import MotifNonRetenu, StatutExamen, TypeAvis
from examens.models import Examen
from examens.regles import SOCIALES
from marches import services as marches_services
from marches.compliance import examens_depuis
from marches.models import Marche

D = Decimal
DEPARTEMENT = "22400001800016"
XL_HABITAT = "27400012300019"
REASON = "Données de démonstration"

# Contracts in preparation: (identifier, direction sigle or None for XL Habitat, object, CPV, estimated value,
# days until launch, step reached).
EN_PREPARATION = [
    ("2027-DPD-EX01", "DPD", "Réhabilitation thermique du collège de Morcenx", "45453000-7", 1_450_000, 40, "avis"),
    ("2027-DRM-EX02", "DRM", "Entretien des dépendances vertes des routes départementales, secteur Est", "77310000-6",
     380_000, 25, "avis"),
    ("2027-DPD-EX03", "DPD", "Nettoyage des locaux des centres médico-sociaux", "90910000-9", 260_000, 35, "decision"),
    ("2027-DEJS-EX04", "DEJS", "Restauration scolaire : fourniture de denrées biologiques", "15000000-8", 520_000, 20,
     "decision"),
    ("2027-DPD-EX05", "DPD", "Rénovation des sanitaires du collège de Tartas", "45332400-7", 310_000, 12, "lancement"),
    ("2027-DENV-EX06", "DENV", "Restauration écologique des berges de l'Adour", "45246400-7", 640_000, 18,
     "lancement"),
    ("2027-DPD-EX07", "DPD", "Remplacement des menuiseries du collège de Rion-des-Landes", "45421000-4", 420_000, 50,
     "ouvrir"),
    ("2027-DSD-EX08", "DSD", "Maintenance des ascenseurs des bâtiments sociaux", "50750000-7", 150_000, 60, "ouvrir"),
    ("2027-XLH-EX09", None, "Réhabilitation de 24 logements à Saint-Paul-lès-Dax", "45453000-7", 2_100_000, 45,
     "avis"),
]
CONTEXTES = [
    "Deux ACI du secteur ont des salariés disponibles ; l'ETTI locale couvre ce métier.",
    "Peu de publics disponibles sur ce bassin d'emploi en ce moment ; un GEIQ BTP peut porter les parcours.",
    "Une EI de propreté travaille déjà pour le Département à proximité.",
    "Chantier court : une mise à disposition par l'AI paraît la seule voie réaliste.",
]


def _write(stdout, text):
    if stdout:
        stdout.write(text)


def _instant(jour: datetime.date, heure: int):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure)))


def _passe(marche, users) -> Examen | None:
    """The examination a contract launched in the past year had, with the dates it had, or None (not examined).
    Drawn from the contract's own id, so that a second run draws the same."""
    rng = random.Random(marche.pk)
    lancement = marche.date_lancement
    tirage = rng.random()
    if tirage < 0.08:
        return None  # launched without an examination: flagged on the DCP's home
    ouvert = lancement - datetime.timedelta(days=rng.randint(25, 45))
    decide = lancement - datetime.timedelta(days=rng.randint(1, 12))
    if tirage < 0.16:
        decide = lancement + datetime.timedelta(days=rng.randint(2, 10))  # decided after the launch: too late
    avis = ouvert + (decide - ouvert) * rng.randint(30, 70) // 100
    types = set(marche.clauses.values_list("type_clause", flat=True))
    sociale = bool(types & set(SOCIALES))
    montant = marche.valeur_estimee_ht or marche.montant_ht or D(0)
    propose = sociale or (montant >= 150_000 and rng.random() < 0.5)
    motif = ""
    if not sociale:
        if montant < 90_000:
            motif = MotifNonRetenu.MONTANT_FAIBLE
        elif (marche.duree_mois or 12) < 4:
            motif = MotifNonRetenu.DUREE_COURTE
        else:
            motif = rng.choice([MotifNonRetenu.PAS_OFFRE_LOCALE, MotifNonRetenu.PAS_OFFRE_LOCALE,
                                MotifNonRetenu.TECHNIQUE, MotifNonRetenu.AUTRE])
    heures = next((c.heures_requises for c in marche.clauses.all() if c.type_clause == TypeClause.INSERTION), None)
    examen = Examen(
        marche=marche, statut=StatutExamen.LANCE, date_lancement_prevue=lancement, ouvert_par=users["acheteur"],
        ouvert_le=_instant(ouvert, 9), conseil=[], conseil_clause_sociale=propose or rng.random() < 0.3,
        questions={"env_condition": "oui" if TypeClause.CONDITION_ENVIRONNEMENTALE in types else "non",
                   "ess_sourcing": rng.choice(["oui", "non", ""])},
        avis_clause=propose, avis_types=[TypeAvis.HEURES] if propose else [],
        avis_heures=heures if propose and heures else None, avis_contexte=rng.choice(CONTEXTES),
        avis_motifs="" if propose else "Pas de potentiel d'insertion identifié sur ce marché.",
        avis_par=users["facilitateur"], avis_le=_instant(avis, 14),
        decision_types=sorted(types), decision_heures=heures if sociale else None, sociale_retenue=sociale,
        motif_non_retenu=motif, decide_par=users["dcp"], decide_le=_instant(decide, 11),
        lance_le=lancement, lance_par=users["acheteur"],
    )
    auteur_noter(examen, user=users["dcp"], reason=REASON)
    examen.save()
    return examen


def _en_preparation(ident, sigle, objet, cpv, valeur, jours, *, acheteur, directions, today):
    marche = Marche.objects.filter(acheteur=acheteur, identifiant=ident).first()
    if marche is not None:
        return marche, False
    marche = Marche(acheteur=acheteur, direction=directions.get(sigle) if sigle else None, identifiant=ident,
                    objet=objet, code_cpv=cpv, valeur_estimee_ht=D(valeur), duree_mois=24,
                    date_lancement=today + datetime.timedelta(days=jours))
    return marche, True


def seed(stdout=None):
    departement = Organisation.objects.filter(siret=DEPARTEMENT).first()
    users = {u.username: u for u in User.objects.filter(username__in=["acheteur", "dcp", "facilitateur"])}
    if departement is None or len(users) < 3:
        _write(stdout, "Examens : organisations ou comptes de démonstration absents.")
        return
    rng = random.Random(18)
    today = timezone.localdate()
    depuis = examens_depuis()
    passes = 0
    lances = (Marche.objects.filter(acheteur=departement, date_lancement__gte=depuis, date_lancement__lte=today,
                                    examen__isnull=True).prefetch_related("clauses").order_by("date_lancement", "pk"))
    for marche in lances:
        passes += _passe(marche, users) is not None
    directions = {d.sigle: d for d in Direction.objects.filter(organisation=departement)}
    xl = Organisation.objects.filter(siret=XL_HABITAT).first()
    en_attente = 0
    for ident, sigle, objet, cpv, valeur, jours, etape in EN_PREPARATION:
        acheteur = departement if sigle else xl
        if acheteur is None:
            continue
        marche, nouveau = _en_preparation(ident, sigle, objet, cpv, valeur, jours, acheteur=acheteur,
                                          directions=directions, today=today)
        if not nouveau:
            continue
        marches_services.marche_enregistrer(marche=marche, user=users["acheteur"], reason=REASON)
        if etape == "ouvrir":
            continue
        examen = services.examen_creer(marche=marche, user=users["acheteur"] if sigle else users["dcp"],
                                       date_lancement_prevue=marche.date_lancement,
                                       questions={"env_condition": "oui", "ess_allotissement": "oui"})
        en_attente += 1
        if etape == "avis":
            continue
        heures = (D(valeur) * D("0.05") / D(30)).quantize(D("1"))
        services.examen_avis_enregistrer(examen=examen, user=users["facilitateur"], clause=True,
                                         types=[TypeAvis.HEURES], heures=heures, contexte=rng.choice(CONTEXTES),
                                         motifs="Marché à forte part de main-d'œuvre.")
        if etape == "decision":
            continue
        services.examen_decision_enregistrer(examen=examen, user=users["dcp"],
                                             types=[TypeClause.INSERTION, TypeClause.CONDITION_ENVIRONNEMENTALE,
                                                    TypeClause.CRITERE_ENVIRONNEMENTAL], heures=heures)
    _write(stdout, f"Examens : {passes} examens de l'année passée, {en_attente} en attente, "
                   f"{Examen.objects.count()} au total.")
