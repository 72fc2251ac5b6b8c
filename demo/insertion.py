"""Demo data of the facilitators (after demo.marches.seed and demo.clauses.seed_clauses): conventions with
the three partners, ~90 participants with identities and eligibility, placements, monthly hours 2022–2026 consistent
with the contracts that carry an insertion clause (most on pace, some lagging), outcomes, next actions.
Deterministic and idempotent: a second run changes nothing."""

import datetime
import random
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from core.models import Organisation, User
from core.services import auteur_noter
from core.utils import luhn_ok
from facilitateurs import services
from facilitateurs.enums import CategorieSortie, Modalite, Public, Sexe, StatutConvention, TypeContrat
from facilitateurs.models import (
    ActionSuivi,
    Convention,
    Eligibilite,
    HeuresMensuelles,
    MiseEnEmploi,
    Participant,
    Sortie,
)
from facilitateurs.selectors import taux_sous_traitance
from marches.enums import RoleEntreprise, TypeStructure
from marches.models import Entreprise, Marche

CODE_PREFIX = "LAN-"
NB_PARTICIPANTS = 110
PREMIER_MOIS = datetime.date(2022, 1, 1)
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
        entreprise = Entreprise(siret=_siret(900 + index), nom=nom, type_structure=type_structure,
                                code_postal=code_postal)
        auteur_noter(entreprise, user=user, reason=REASON)
        entreprise.save()
    return entreprise


def _periode(marche, today):
    debut = marche.date_debut or marche.date_notification
    if debut is None:
        return None, None
    fin = marche.date_fin or services.add_months(debut, marche.duree_mois or 12)
    return max(debut, PREMIER_MOIS), fin


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
        "attributions__entreprise").order_by("pk")[:150])


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
            missing = {m.pk for m in marches if m.acheteur_id == partenaire.pk} - set(
                existing.marches.values_list("pk", flat=True))
            if missing:
                existing.marches.add(*missing)
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

    # Participants, identities and eligibility.
    participants = []
    for n in range(1, NB_PARTICIPANTS + 1):
        sexe = Sexe.F if rng.random() < 0.3 else Sexe.M
        code_postal, commune = rng.choice(COMMUNES)
        participant = Participant(code=f"{CODE_PREFIX}{n:04d}", annee_naissance=rng.randint(1966, 2005), sexe=sexe,
                                  code_postal=code_postal, commune=commune, qpv=rng.random() < 0.2)
        prenom = rng.choice(PRENOMS_F if sexe == Sexe.F else PRENOMS_M)
        nom = rng.choice(NOMS)
        services.participant_enregistrer(participant=participant, user=facilitateur, reason=REASON, identite={
            "nom": nom, "prenom": prenom, "telephone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                                                          f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            "email": f"{prenom.lower()}.{nom.lower()}@exemple.invalid".replace(" ", "").replace("é", "e")
            .replace("è", "e").replace("ï", "i"), "adresse": f"{rng.randint(1, 80)} rue des Pins, {code_postal} {commune}"})
        participants.append(participant)
    publics_pool = [Public.DELD, Public.DELD, Public.DETLD, Public.RSA, Public.RSA, Public.JEUNE_26, Public.JEUNE_26,
                    Public.SENIOR_50, Public.TH, Public.ASS, Public.SIAE, Public.EPIDE_E2C]

    # Placements and monthly hours, contract by contract (about 400 h per participant).
    pool = list(participants)
    rng.shuffle(pool)
    heures_rows, mises, first_start = [], [], {}
    # A participant may work on several contracts: their months stay within the legal maximum (the rule
    # services.heures_anomalies applies at entry; these rows are bulk-written and bypass it).
    maximum, charge = float(services.heures_max_par_mois()), {}

    def reste(participant, month):
        return maximum - charge.get((participant.pk, month), 0.0)

    def heures_plausibles(participant, month, h):
        """h, or what is left of the participant's month (0 when less than an hour is)."""
        h = min(h, reste(participant, month))
        if h < 1:
            return 0.0
        charge[(participant.pk, month)] = charge.get((participant.pk, month), 0.0) + h
        return h
    for index, marche in enumerate(marches):
        debut, fin = _periode(marche, today)
        if debut is None or debut > today:
            continue
        requises = sum((c.heures_requises for c in marche.clauses.filter(type_clause="insertion")), Decimal("0"))
        requises = requises or Decimal("600")
        fin_effective = min(fin, today)
        months = list(_mois(debut, fin_effective))
        if not months:
            continue
        # Most contracts on pace, one in four lagging, a few ahead.
        en_retard = index % 5 == 1 or (fin > today and index % 6 == 0)
        rythme = 0.45 if en_retard else (1.25 if index % 7 == 3 else rng.uniform(0.85, 1.02))
        part_ecoulee = min(1.0, max(0.05, (fin_effective - debut).days / max(1, (fin - debut).days)))
        total = float(requises) * part_ecoulee * rythme
        sous_traitance = index % 5 == 2  # part of the clause met by sub-contracting to an insertion company
        total_st = total * 0.3 if sous_traitance else 0.0
        total -= total_st + (70 if index % 6 == 0 else 0)
        titulaires = [a.entreprise for a in marche.attributions.all() if a.role == RoleEntreprise.TITULAIRE]
        employeur = titulaires[0] if titulaires else employeurs[index % len(employeurs)]
        total = max(total, 35.0)
        nb = max(1, min(6, round(total / 400)))
        for k in range(nb):
            if not pool:
                pool = list(participants)
                rng.shuffle(pool)
            participant = pool.pop()
            modalite, entreprise, type_contrat = rng.choice([
                (Modalite.EMBAUCHE_DIRECTE, employeur, rng.choice([TypeContrat.CDD, TypeContrat.CDI,
                                                                  TypeContrat.PROFESSIONNALISATION])),
                (Modalite.MISE_A_DISPOSITION_ETTI, structures[0], TypeContrat.INTERIM),
                (Modalite.MISE_A_DISPOSITION_AI, structures[1], TypeContrat.CDDI),
                (Modalite.MISE_A_DISPOSITION_GEIQ, structures[2], TypeContrat.PROFESSIONNALISATION),
                (Modalite.EMBAUCHE_DIRECTE, employeur, TypeContrat.CDD),
            ])
            start_i = min(len(months) - 1, k * max(1, len(months) // (nb + 1)) // 2)
            length = max(1, len(months) - start_i - rng.randint(0, max(0, len(months) // 3)))
            mois_mise = months[start_i:start_i + length]
            date_fin = services.add_months(mois_mise[-1], 1) - datetime.timedelta(days=1)
            mise = MiseEnEmploi(participant=participant, entreprise=entreprise, marche=marche, modalite=modalite,
                                type_contrat=type_contrat, date_debut=mois_mise[0] + datetime.timedelta(days=rng.randint(0, 9)),
                                date_fin=date_fin if date_fin < today else None)
            auteur_noter(mise, user=facilitateur, reason=REASON)
            mise.save()
            mises.append(mise)
            first_start.setdefault(participant.pk, mise.date_debut)
            first_start[participant.pk] = min(first_start[participant.pk], mise.date_debut)
            par_mois = total / nb / len(mois_mise)
            for month in mois_mise:
                h = heures_plausibles(participant, month, max(7.0, min(151.67, par_mois * rng.uniform(0.8, 1.2))))
                if h < 1:
                    continue
                heures_rows.append(HeuresMensuelles(
                    marche=marche, participant=participant, entreprise=entreprise, mois=month, modalite=modalite,
                    type_contrat=type_contrat, heures=Decimal(f"{h:.2f}")))
        if sous_traitance:  # invoiced in euros, converted to hours at the configured rate
            trimestres = months[::3]
            euros = total_st * float(taux_st) / len(trimestres)
            for month in trimestres:
                heures_rows.append(HeuresMensuelles(
                    marche=marche, participant=None, entreprise=structures[4], mois=month,
                    modalite=Modalite.SOUS_TRAITANCE_SIAE, heures=Decimal("0"),
                    montant_ht=Decimal(f"{euros * rng.uniform(0.9, 1.1):.2f}")))
        if index % 6 == 0 and mises and reste(mises[-1].participant, months[0]) >= 70:
            heures_plausibles(mises[-1].participant, months[0], 70.0)
            heures_rows.append(HeuresMensuelles(  # a short training before the placement
                marche=marche, participant=mises[-1].participant, entreprise=structures[2], mois=months[0],
                modalite=Modalite.FORMATION, type_contrat=TypeContrat.PROFESSIONNALISATION, heures=Decimal("70")))
    HeuresMensuelles.objects.bulk_create(heures_rows, batch_size=2000, ignore_conflicts=True)

    # Eligibility checked before the first placement; a few proofs expire in the coming days.
    for n, participant in enumerate(participants):
        verifie = first_start.get(participant.pk, today - datetime.timedelta(days=30 + n)) - datetime.timedelta(days=15)
        if n % 17 == 5:
            verifie = services.add_months(today, -3) + datetime.timedelta(days=n % 10 + 1)
        publics = {rng.choice(publics_pool)}
        if participant.qpv:
            publics.add(Public.QPV)
        if rng.random() < 0.25:
            publics.add(rng.choice(publics_pool))
        for public in sorted(publics):
            if not Eligibilite.objects.filter(participant=participant, public=public).exists():
                services.eligibilite_enregistrer(participant=participant, public=public, date_verification=verifie,
                                          user=facilitateur)

    # Outcomes of the ended placements, with the 6-month follow-up (a few still due).
    categories = [CategorieSortie.EMPLOI_DURABLE, CategorieSortie.EMPLOI_DURABLE, CategorieSortie.EMPLOI_TRANSITION,
                  CategorieSortie.SORTIE_POSITIVE, CategorieSortie.AUTRE]
    details = {CategorieSortie.EMPLOI_DURABLE: "CDI chez l'employeur", CategorieSortie.EMPLOI_TRANSITION: "CDD de 3 mois",
               CategorieSortie.SORTIE_POSITIVE: "Entrée en formation qualifiante", CategorieSortie.AUTRE: "Sans nouvelles"}
    sortis = set()
    for n, mise in enumerate(m for m in mises if m.date_fin):
        if mise.participant_id in sortis:
            continue
        sortis.add(mise.participant_id)
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
                   f"{len(mises)} mises en emploi, {HeuresMensuelles.objects.count()} relevés d'heures, "
                   f"{Sortie.objects.count()} sorties, {ActionSuivi.objects.count()} actions.")

