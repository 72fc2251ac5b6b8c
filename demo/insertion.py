"""Demo data of the facilitators (after demo.marches.seed and demo.clauses.seed_clauses): conventions with
the three partners, participants with identities and eligibility, placements, monthly hours from January 2020
consistent with the contracts that carry an insertion clause (most on pace, some lagging), outcomes, next actions.

At the customer's own scale: the Département's bilan of 2025 counts over six years more than 85,000 hours, 130
companies (85 % in the Landes) and 460 people (tests/demo/test_echelle.py). Placements are short missions and
contracts (1 to 6 months, 35 to 151.67 h a month: the customer's 85,000 h for 460 people is ~185 h each); a
person's age at entry agrees with their eligibility (under 26 for JEUNE_26 and EPIDE_E2C, 50 or more for
SENIOR_50, AGES); one placement in ten goes to someone who already had one (a second mission).

Writes go through facilitateurs.services (participants, identities, eligibility, placements, outcomes, actions),
except the monthly hours: thousands of rows, bulk-inserted in one statement per 2,000 with their history rows
(core.services.historique_copier), like the app's own hours import; the demo keeps them within the plausibility
rule the services apply at entry (services.heures_anomalies: monthly maximum, inside the placement), which
tests/demo/test_insertion.py checks. Hours derive no contract state (marches.etat), so no contract is rewritten.

Deterministic and idempotent: a second run changes nothing."""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from core.models import Organisation, User
from core.services import historique_copier
from core.utils import luhn_ok
from facilitateurs import services
from facilitateurs.enums import CategorieSortie, Modalite, Public, Sexe, StatutConvention, TypeContrat
from facilitateurs.models import (
    ActionSuivi,
    Convention,
    HeuresMensuelles,
    MiseEnEmploi,
    Participant,
    Sortie,
)
from facilitateurs.selectors import taux_sous_traitance
from marches import services as marches_services
from marches.enums import RoleEntreprise, TypeStructure
from marches.models import Entreprise, Marche

CODE_PREFIX = "LAN-"
PREMIER_MOIS = datetime.date(2020, 1, 1)  # the hours followed in the tool start in January 2020
DUREES_MOIS = [1, 1, 1, 2, 2, 2, 3, 3, 4, 6]  # length of a placement, in months
HEURES_MOIS = [35, 52, 60.67, 70, 86.67, 86.67, 104, 121.33, 151.67]  # part-time to full-time (35 h a week)
PART_SECONDE_MISSION = 0.08  # share of placements given to someone who already had one
PUBLICS_PRINCIPAUX = [Public.DELD, Public.DELD, Public.DETLD, Public.RSA, Public.RSA, Public.JEUNE_26,
                      Public.JEUNE_26, Public.SENIOR_50, Public.TH, Public.ASS, Public.SIAE, Public.EPIDE_E2C]
PUBLICS_COMPLEMENTAIRES = [Public.DELD, Public.RSA, Public.TH, Public.ASS]  # no age condition
# Age at entry (entry year − birth year) by eligibility criterion: under 26, 50 or more; others 27 to 49.
AGES = {Public.JEUNE_26: (19, 25), Public.EPIDE_E2C: (19, 25), Public.SENIOR_50: (51, 62)}
AGES_AUTRES = (27, 49)
REASON = "Données de démonstration"

CONVENTIONS = [
    # partner SIRET, title, start, end, FSE ref, FSE amount, globalisation
    ("27400012300019", "Convention de facilitation des clauses sociales — XL Habitat 2022-2026",
     datetime.date(2022, 1, 1), datetime.date(2026, 12, 31), "FSE+ 202200418", Decimal("38500"), False),
    ("20007125300013", "Convention clauses sociales — Mont de Marsan Agglomération",
     datetime.date(2023, 1, 1), datetime.date(2026, 12, 31), "FSE+ 202300127", Decimal("24000"), True),
    ("21400088600017", "Convention de suivi des clauses d'insertion — Ville de Dax",
     datetime.date(2024, 3, 1), datetime.date(2027, 2, 28), "", None, False),
]

STRUCTURES = [
    ("Landes Intérim Insertion", TypeStructure.ETTI, "40000"),
    ("AI du Pays Dacquois", TypeStructure.AI, "40100"),
    ("GEIQ BTP Landes", TypeStructure.GEIQ, "40990"),
    ("Chantier d'insertion Les Jardins de la Haute Lande", TypeStructure.ACI, "40400"),
    ("Entreprise d'insertion Bâtiment Adour", TypeStructure.EI, "40300"),
]
EMPLOYEURS = [
    ("Bâtiments Lacoste et Fils", "40000"), ("SARL Dufau Maçonnerie", "40100"), ("Routes et TP des Landes", "40500"),
    ("Menuiseries Darrigade", "40800"), ("Peintures Labarthe", "40990"), ("Nettoyage Côte Sud", "40600"),
]
COMMUNES = [("40000", "Mont-de-Marsan"), ("40100", "Dax"), ("40200", "Mimizan"), ("40300", "Peyrehorade"),
            ("40400", "Tartas"), ("40500", "Saint-Sever"), ("40600", "Biscarrosse"), ("40700", "Hagetmau"),
            ("40800", "Aire-sur-l'Adour"), ("40990", "Saint-Paul-lès-Dax")]
PRENOMS_F = ["Léa", "Camille", "Manon", "Sarah", "Inès", "Nadia", "Sandrine", "Julie", "Emma", "Fatima", "Chloé"]
PRENOMS_M = ["Lucas", "Hugo", "Mehdi", "Thomas", "Kevin", "Yanis", "Jean-Marc", "Enzo", "Karim", "Mathieu", "Romain"]
NOMS = ["Lafitte", "Darrigrand", "Benquet", "Labadie", "Dubroca", "Lalanne", "Ducos", "Castets", "Barrère", "Lamarque",
        "Haurie", "Dupin", "Saint-Martin", "Larrieu", "Bordes", "Garcia", "Martin", "Bernard", "Diallo", "Mendes"]
ACTIONS = [
    "Rappeler la clause au titulaire avant le démarrage du chantier",
    "Relancer l'entreprise pour le relevé d'heures du mois",
    "Proposer des candidats au conducteur de travaux",
    "Vérifier les contrats de mise à disposition de l'ETTI",
    "Préparer le point d'étape avec l'acheteur partenaire",
    "Organiser la visite de chantier avec la mission locale",
]


def _write(stdout, text):
    if stdout:
        stdout.write(text)


def _siret(n: int) -> str:
    base = f"4{n:012d}"[:13]
    return next(f"{base}{last}" for last in range(10) if luhn_ok(f"{base}{last}"))


def _entreprise(index, nom, type_structure, code_postal, user):
    entreprise = Entreprise.objects.filter(siret=_siret(900 + index)).first()
    if entreprise is None:
        entreprise = marches_services.entreprise_enregistrer(
            entreprise=Entreprise(siret=_siret(900 + index), nom=nom, type_structure=type_structure,
                                  code_postal=code_postal), user=user, reason=REASON)
    return entreprise


def _periode(marche):
    """(start, end) of the contract's execution: start of execution (else notification), end (else start +
    duration)."""
    debut = marche.date_debut or marche.date_notification
    if debut is None:
        return None, None
    return debut, marche.date_fin or services.add_months(debut, marche.duree_mois or 12)


def _mois(debut, fin):
    month = debut.replace(day=1)
    while month <= fin:
        yield month
        month = services.add_months(month, 1)


def _marches_cibles():
    marches = Marche.objects.filter(clauses__type_clause="insertion").distinct()
    if not marches.exists():  # before the clauses exist: works contracts
        marches = Marche.objects.filter(Q(code_cpv__startswith="45"))
    return list(marches.exclude(origine="decp").select_related("acheteur").prefetch_related(
        "attributions__entreprise", "clauses").order_by("pk"))


def annee_naissance(rng, publics, entree: datetime.date) -> int:
    """A birth year that agrees with the eligibility criteria at entry (AGES)."""
    low, high = next((AGES[p] for p in publics if p in AGES), AGES_AUTRES)
    return entree.year - rng.randint(low, high)


@dataclass
class _Personne:
    """A participant planned before being written: their first and last months of work."""
    index: int
    entree: datetime.date
    dernier_mois: datetime.date
    marches: set = field(default_factory=set)
    publics: list = field(default_factory=list)


@dataclass
class _Mise:
    personne: _Personne
    marche: Marche
    entreprise: Entreprise
    modalite: str
    type_contrat: str
    mois: list
    heures: list
    jour_debut: int


def seed(stdout=None):
    rng = random.Random(40)
    today = timezone.localdate()
    facilitateur = User.objects.filter(username="facilitateur").first()
    admin = User.objects.filter(username="admin").first()
    marches = _marches_cibles()

    taux_st = taux_sous_traitance()

    # Conventions with the three partners (get or create on the title).
    for siret, intitule, debut, fin, fse_ref, fse_montant, globalisation in CONVENTIONS:
        partenaire = Organisation.objects.filter(siret=siret).first()
        if partenaire is None:
            continue
        existing = Convention.objects.filter(intitule=intitule).first()
        if existing is not None:  # contracts seeded after the convention join it
            suivis = set(existing.marches.values_list("pk", flat=True))
            missing = {m.pk for m in marches if m.acheteur_id == partenaire.pk} - suivis
            if missing:
                services.convention_enregistrer(convention=existing, user=admin, reason=REASON,
                                                marches=Marche.objects.filter(pk__in=suivis | missing))
            continue
        convention = Convention(partenaire=partenaire, intitule=intitule, date_debut=debut, date_fin=fin,
                                statut=StatutConvention.SIGNEE, fse_reference=fse_ref, fse_montant=fse_montant,
                                globalisation=globalisation)
        services.convention_enregistrer(convention=convention, user=admin, reason=REASON,
                                 marches=[m for m in marches if m.acheteur_id == partenaire.pk],
                                 facilitateurs=[facilitateur] if facilitateur else [])

    if Participant.objects.filter(code__startswith=CODE_PREFIX).exists():
        _write(stdout, f"Facilitateurs : déjà chargés ({Participant.objects.count()} participants).")
        return
    if not marches:
        _write(stdout, "Facilitateurs : aucun marché avec clause d'insertion, pas d'heures de démonstration.")
        return

    structures = [_entreprise(i, *s, user=facilitateur) for i, s in enumerate(STRUCTURES)]
    employeurs = [_entreprise(10 + i, nom, TypeStructure.AUTRE, cp, user=facilitateur)
                  for i, (nom, cp) in enumerate(EMPLOYEURS)]

    # 1. Plan the placements and their monthly hours, contract by contract in the order they start; a person is
    # created for each placement, or (one in ten) a person whose previous placement has ended comes back.
    maximum, charge = float(services.heures_max_par_mois()), {}
    personnes: list[_Personne] = []
    mises: list[_Mise] = []
    sans_participant = []  # sub-contracting to an SIAE: euros, no participant

    def heures_plausibles(personne, month, h):
        """h, or what is left of the person's month under the legal maximum (0 when less than an hour is):
        a person may work on several contracts (the rule services.heures_anomalies applies at entry)."""
        h = min(h, maximum - charge.get((personne.index, month), 0.0))
        if h < 1:
            return 0.0
        charge[(personne.index, month)] = charge.get((personne.index, month), 0.0) + h
        return round(h, 2)

    def personne_pour(marche, debut):
        if personnes and rng.random() < PART_SECONDE_MISSION:
            for candidate in rng.sample(personnes, min(6, len(personnes))):
                if candidate.dernier_mois < debut and marche.pk not in candidate.marches:
                    return candidate
        personne = _Personne(index=len(personnes), entree=debut, dernier_mois=debut)
        personnes.append(personne)
        return personne

    cibles = []
    for marche in marches:
        debut, fin = _periode(marche)
        if debut is not None and debut <= today and fin >= PREMIER_MOIS:
            cibles.append((debut, marche.pk, marche, fin))
    cibles.sort(key=lambda c: c[:2])
    for index, (debut, _pk, marche, fin) in enumerate(cibles):
        requises = sum((c.heures_requises or Decimal("0") for c in marche.clauses.all()
                        if c.type_clause == "insertion"), Decimal("0")) or Decimal("600")
        fenetre_debut, fenetre_fin = max(debut, PREMIER_MOIS), min(fin, today)
        months = list(_mois(fenetre_debut, fenetre_fin))
        if not months:
            continue
        # Most contracts on pace, one in four lagging, a few ahead; only the part of the execution from
        # PREMIER_MOIS to today is worked here.
        en_retard = index % 5 == 1 or (fin > today and index % 6 == 0)
        rythme = 0.45 if en_retard else (1.25 if index % 7 == 3 else rng.uniform(0.9, 1.05))
        duree = max(1, (fin - debut).days)
        part = min(1.0, max(0.05, ((fenetre_fin - fenetre_debut).days + 1) / duree))
        total = float(requises) * part * rythme
        sous_traitance = index % 5 == 2  # part of the clause met by sub-contracting to an insertion company
        total_st = total * 0.3 if sous_traitance else 0.0
        restant = max(total - total_st - (70 if index % 6 == 0 else 0), 35.0)
        titulaires = [a.entreprise for a in marche.attributions.all() if a.role == RoleEntreprise.TITULAIRE]
        cotraitants = [a.entreprise for a in marche.attributions.all() if a.role == RoleEntreprise.COTRAITANT]
        employeur = titulaires[0] if titulaires else employeurs[index % len(employeurs)]
        premiere, nombre = None, 0
        while restant >= 30 and nombre < 80:
            nombre += 1
            nb_mois = min(len(months), rng.choice(DUREES_MOIS))
            par_mois = rng.choice(HEURES_MOIS)
            if nb_mois * par_mois > restant:  # the last placement takes what is left
                nb_mois = max(1, min(nb_mois, int(restant // 35)))
                par_mois = min(151.67, restant / nb_mois)
            start = rng.randint(0, len(months) - nb_mois)
            mois_mise = months[start:start + nb_mois]
            personne = personne_pour(marche, mois_mise[0])
            if premiere is None:  # the awardee hires directly: every awardee counts among the companies
                modalite, entreprise, type_contrat = Modalite.EMBAUCHE_DIRECTE, employeur, rng.choice(
                    [TypeContrat.CDD, TypeContrat.CDD, TypeContrat.CDI, TypeContrat.PROFESSIONNALISATION])
            else:
                modalite, entreprise, type_contrat = rng.choice([
                    (Modalite.EMBAUCHE_DIRECTE, rng.choice(cotraitants or [employeur]), TypeContrat.CDD),
                    (Modalite.MISE_A_DISPOSITION_ETTI, structures[0], TypeContrat.INTERIM),
                    (Modalite.MISE_A_DISPOSITION_ETTI, structures[0], TypeContrat.INTERIM),
                    (Modalite.MISE_A_DISPOSITION_AI, structures[1], TypeContrat.CDDI),
                    (Modalite.MISE_A_DISPOSITION_GEIQ, structures[2], TypeContrat.PROFESSIONNALISATION),
                    (Modalite.EMBAUCHE_DIRECTE, employeur, TypeContrat.CDD),
                ])
            heures = [heures_plausibles(personne, month, min(151.67, max(7.0, par_mois * rng.uniform(0.9, 1.1))))
                      for month in mois_mise]
            if not any(heures):  # a returning person with no room left in those months
                continue
            restant -= sum(heures)
            personne.marches.add(marche.pk)
            personne.dernier_mois = max(personne.dernier_mois, mois_mise[-1])
            mise = _Mise(personne=personne, marche=marche, entreprise=entreprise, modalite=modalite,
                         type_contrat=type_contrat, mois=mois_mise, heures=heures, jour_debut=rng.randint(0, 9))
            mises.append(mise)
            premiere = premiere or mise
        if sous_traitance:  # invoiced in euros, converted to hours at the configured rate
            trimestres = months[::3]
            euros = total_st * float(taux_st) / len(trimestres)
            for month in trimestres:
                sans_participant.append(HeuresMensuelles(
                    marche=marche, participant=None, entreprise=structures[4], mois=month,
                    modalite=Modalite.SOUS_TRAITANCE_SIAE, heures=Decimal("0"),
                    montant_ht=Decimal(f"{euros * rng.uniform(0.9, 1.1):.2f}")))
        if index % 6 == 0 and premiere is not None:  # a short training at the start of the first placement
            h = heures_plausibles(premiere.personne, premiere.mois[0], 70.0)
            if h:
                mises.append(_Mise(personne=premiere.personne, marche=marche, entreprise=structures[2],
                                   modalite=Modalite.FORMATION, type_contrat=TypeContrat.PROFESSIONNALISATION,
                                   mois=premiere.mois[:1], heures=[h], jour_debut=premiere.jour_debut))

    # 2. Participants, identities and eligibility: criteria first, then a birth year that agrees with them.
    participants = []
    for personne in personnes:
        sexe = Sexe.F if rng.random() < 0.3 else Sexe.M
        code_postal, commune = rng.choice(COMMUNES)
        qpv = rng.random() < 0.2
        publics = {rng.choice(PUBLICS_PRINCIPAUX)}
        if rng.random() < 0.25:
            publics.add(rng.choice(PUBLICS_COMPLEMENTAIRES))
        if qpv:
            publics.add(Public.QPV)
        personne.publics = sorted(publics)
        participant = Participant(code=f"{CODE_PREFIX}{personne.index + 1:04d}", sexe=sexe, code_postal=code_postal,
                                  commune=commune, qpv=qpv,
                                  annee_naissance=annee_naissance(rng, publics, personne.entree))
        prenom = rng.choice(PRENOMS_F if sexe == Sexe.F else PRENOMS_M)
        nom = rng.choice(NOMS)
        services.participant_enregistrer(participant=participant, user=facilitateur, reason=REASON, identite={
            "nom": nom, "prenom": prenom, "telephone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                                                          f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            "email": f"{prenom.lower()}.{nom.lower()}@exemple.invalid".replace(" ", "").replace("é", "e")
            .replace("è", "e").replace("ï", "i"), "adresse": f"{rng.randint(1, 80)} rue des Pins, {code_postal} {commune}"})
        participants.append(participant)

    # 3. Placements (through the service) and their hours (bulk, with their history rows).
    heures_rows, placements, derniere_mise = [], [], {}
    for mise in mises:
        participant = participants[mise.personne.index]
        if mise.modalite != Modalite.FORMATION:
            date_fin = services.add_months(mise.mois[-1], 1) - datetime.timedelta(days=1)
            placement = services.mise_en_emploi_enregistrer(mise=MiseEnEmploi(
                participant=participant, entreprise=mise.entreprise, marche=mise.marche, modalite=mise.modalite,
                type_contrat=mise.type_contrat, date_debut=mise.mois[0] + datetime.timedelta(days=mise.jour_debut),
                date_fin=date_fin if date_fin < today else None), user=facilitateur)
            placements.append(placement)
            if participant.pk not in derniere_mise or derniere_mise[participant.pk].date_debut <= placement.date_debut:
                derniere_mise[participant.pk] = placement
        for month, h in zip(mise.mois, mise.heures, strict=True):
            if h >= 1:
                heures_rows.append(HeuresMensuelles(
                    marche=mise.marche, participant=participant, entreprise=mise.entreprise, mois=month,
                    modalite=mise.modalite, type_contrat=mise.type_contrat, heures=Decimal(f"{h:.2f}")))
    heures_rows += sans_participant
    HeuresMensuelles.objects.bulk_create(heures_rows, batch_size=2000)
    historique_copier(model=HeuresMensuelles, pks=[h.pk for h in heures_rows], update=False, user=facilitateur,
                      raison=REASON)

    # Eligibility checked before the first placement; a few proofs expire in the coming days.
    for n, (personne, participant) in enumerate(zip(personnes, participants, strict=True)):
        verifie = personne.entree - datetime.timedelta(days=15)
        if n % 17 == 5 and personne.dernier_mois >= services.add_months(today, -2):
            verifie = services.add_months(today, -3) + datetime.timedelta(days=n % 10 + 1)
        for public in personne.publics:
            services.eligibilite_enregistrer(participant=participant, public=public, date_verification=verifie,
                                             user=facilitateur)

    # Outcomes of the ended placements, with the 6-month follow-up (a few still due).
    categories = [CategorieSortie.EMPLOI_DURABLE, CategorieSortie.EMPLOI_DURABLE, CategorieSortie.EMPLOI_TRANSITION,
                  CategorieSortie.SORTIE_POSITIVE, CategorieSortie.AUTRE]
    details = {CategorieSortie.EMPLOI_DURABLE: "CDI chez l'employeur", CategorieSortie.EMPLOI_TRANSITION: "CDD de 3 mois",
               CategorieSortie.SORTIE_POSITIVE: "Entrée en formation qualifiante", CategorieSortie.AUTRE: "Sans nouvelles"}
    for n, mise in enumerate(m for m in derniere_mise.values() if m.date_fin):
        categorie = rng.choice(categories)
        sortie = Sortie(participant=mise.participant, date_sortie=mise.date_fin, categorie=categorie,
                        detail=details[categorie])
        if services.add_months(mise.date_fin, 6) <= today and n % 8 != 0:
            sortie.date_suivi_6_mois = services.add_months(mise.date_fin, 6) + datetime.timedelta(days=rng.randint(0, 20))
            sortie.categorie_6_mois = rng.choice(categories[:3])
            sortie.detail_6_mois = details[sortie.categorie_6_mois]
            if sortie.date_suivi_6_mois > today:
                sortie.date_suivi_6_mois = today
        services.sortie_enregistrer(sortie=sortie, user=facilitateur)

    # Next actions: some done, some due, a few overdue.
    for n, marche in enumerate(marches[:12]):
        action = ActionSuivi(marche=marche, quoi=ACTIONS[n % len(ACTIONS)], responsable=facilitateur,
                             echeance=today + datetime.timedelta(days=(n % 5) * 7 - 10), faite=n % 4 == 0)
        if n % 3 == 2:
            titulaire = next((a.entreprise for a in marche.attributions.all()), None)
            action.entreprise = titulaire
        services.action_enregistrer(action=action, user=facilitateur)
    _write(stdout, f"Facilitateurs : {Convention.objects.count()} conventions, {len(participants)} participants, "
                   f"{len(placements)} mises en emploi, {HeuresMensuelles.objects.count()} relevés d'heures, "
                   f"{Sortie.objects.count()} sorties, {ActionSuivi.objects.count()} actions.")

