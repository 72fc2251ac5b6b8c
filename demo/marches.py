"""Demo contracts for the Département des Landes (2019–2026, about 50 a year) and its three partners (2022–2026,
demo.organisations), with about 190 companies (85 % of the Landes, some SIAE / EA / ESAT / ESS, the others from
Gironde, Pyrénées-Atlantiques, Lot-et-Garonne and Gers),
awardees, sub-contractors, amendments, offers received and launch dates. Contracts launched after
21 August 2026 carry their clauses here (some compliant, some not, one waiver), so that the compliance
shown in the demo is deliberate; earlier contracts get their clauses from demo.clauses.seed_clauses.

Idempotent: a contract is identified by (buyer, identifier) and skipped when it exists."""

import datetime
import itertools
import random
from decimal import Decimal

from clauses.enums import TypeClause
from clauses.models import ClauseMarche
from clauses.selectors import famille_pour_cpv, familles_prefixes
from core.models import Direction, Organisation, User
from core.utils import luhn_ok
from marches import services
from marches.compliance import DATE_OBLIGATIONS
from marches.enums import (
    CCAG,
    ModaliteExecution,
    Procedure,
    RoleEntreprise,
    Technique,
    TypePrix,
    TypeStructure,
)
from marches.etat import DECLAREES
from marches.models import Attribution, Entreprise, Marche, Modification

D = Decimal
TODAY = datetime.date(2026, 11, 26)
DEPARTEMENT = "22400001800016"
XL_HABITAT = "27400012300019"
AGGLO = "20007125300013"
DAX = "21400088600017"


def _siret(index: int) -> str:
    base = f"{412000000 + index * 7919:09d}0001"[:13]
    for last in range(10):
        if luhn_ok(base + str(last)):
            return base + str(last)
    raise AssertionError


# key, name, postal code, type, sector
ENTREPRISES = [
    ("enrobes", "Landes Enrobés", "40000", TypeStructure.AUTRE, "routes"),
    ("roa", "Routes et Ouvrages des Landes", "40500", TypeStructure.AUTRE, "routes"),
    ("tpchalosse", "TP Chalosse", "40700", TypeStructure.AUTRE, "routes"),
    ("signal", "Signalisation Aquitaine", "33700", TypeStructure.AUTRE, "routes"),
    ("ouvrages", "Constructions de l'Adour", "64100", TypeStructure.AUTRE, "routes"),
    ("macdax", "Maçonnerie Dacquoise", "40100", TypeStructure.AUTRE, "batiment"),
    ("batmarsan", "Bâtiments du Marsan", "40000", TypeStructure.AUTRE, "batiment"),
    ("charpentes", "Charpentes de Gascogne", "40800", TypeStructure.AUTRE, "batiment"),
    ("elec", "Électricité Tarnos", "40220", TypeStructure.AUTRE, "second"),
    ("plomberie", "Plomberie Chauffage Adour", "40990", TypeStructure.AUTRE, "second"),
    ("peinture", "Peintures Côte Sud", "40130", TypeStructure.AUTRE, "second"),
    ("isolation", "Isolation Landes Bois", "40110", TypeStructure.AUTRE, "second"),
    ("menuiseries", "Menuiseries de Gascogne", "40400", TypeStructure.AUTRE, "second"),
    ("scopbois", "Scop Bois Landais", "40120", TypeStructure.ESS, "second"),
    ("pepinieres", "Pépinières de Chalosse", "40700", TypeStructure.AUTRE, "verts"),
    ("paysages", "Jardins et Paysages Landais", "40140", TypeStructure.AUTRE, "verts"),
    ("tremplin", "Tremplin Landes", "40000", TypeStructure.ACI, "verts"),
    ("chantiersverts", "Chantiers Verts du Marsan", "40000", TypeStructure.ACI, "verts"),
    ("proprete", "Propreté Landaise", "40100", TypeStructure.AUTRE, "nettoyage"),
    ("netadour", "Net'Adour Services", "64100", TypeStructure.AUTRE, "nettoyage"),
    ("adourinsertion", "Adour Insertion", "40100", TypeStructure.EI, "nettoyage"),
    ("atelierpins", "EA L'Atelier des Pins", "40600", TypeStructure.EA, "nettoyage"),
    ("rcso", "Restauration Collective du Sud-Ouest", "33000", TypeStructure.AUTRE, "restauration"),
    ("maraichers", "Coopérative des Maraîchers Landais", "40300", TypeStructure.ESUS, "restauration"),
    ("boucherie", "Boucherie Chalossaise", "40500", TypeStructure.AUTRE, "restauration"),
    ("autocars", "Autocars du Marsan", "40000", TypeStructure.AUTRE, "transport"),
    ("tao", "Transports Adour Océan", "40230", TypeStructure.AUTRE, "transport"),
    ("bureau", "Bureau Landes Fournitures", "40000", TypeStructure.AUTRE, "bureau"),
    ("esat", "ESAT Les Ateliers de Morcenx", "40110", TypeStructure.ESAT, "bureau"),
    ("bis", "Bayonne Informatique Services", "64100", TypeStructure.AUTRE, "informatique"),
    ("numerique", "Numérique Landes", "40000", TypeStructure.AUTRE, "informatique"),
    ("garage", "Garage Central Montois", "40000", TypeStructure.AUTRE, "vehicules"),
    ("ingenierie", "Ingénierie Adour Conseil", "40100", TypeStructure.AUTRE, "etudes"),
    ("oceanbe", "Bureau d'études Océan", "33000", TypeStructure.AUTRE, "etudes"),
    ("valor", "Valor Landes Environnement", "40200", TypeStructure.AUTRE, "dechets"),
    ("ail", "Association Insertion Landes", "40000", TypeStructure.ESUS, "accompagnement"),
    ("etti", "Intérim Insertion Landes", "40100", TypeStructure.ETTI, "insertion"),
    ("geiq", "GEIQ BTP Landes", "40000", TypeStructure.GEIQ, "insertion"),
    ("ai", "AI Emploi Marsan", "40000", TypeStructure.AI, "insertion"),
    ("chauffage", "Thermique Services Sud-Ouest", "40990", TypeStructure.AUTRE, "second"),
]

# More companies in the sectors whose contracts carry the insertion clause (works, green spaces, cleaning), so
# that the clause's hours spread over as many companies as the customer's (over 130 in six years, 85 % of them
# based in the département): in each sector, one in seven is from a neighbouring département.
ACTIVITES = {
    "routes": ["Travaux Publics", "Terrassements", "Voirie et Réseaux", "Routes et Canalisations"],
    "batiment": ["Maçonnerie", "Bâtiment", "Constructions", "Gros Œuvre"],
    "second": ["Électricité", "Plomberie", "Menuiserie", "Peinture", "Plâtrerie", "Couverture", "Chauffage"],
    "verts": ["Paysages", "Espaces Verts", "Élagage et Jardins"],
    "nettoyage": ["Nettoyage", "Propreté", "Multiservices Propreté"],
}
NOMBRE_GENERES = {"routes": 44, "batiment": 34, "second": 52, "verts": 30, "nettoyage": 28}
PATRONYMES = ["Lafitte", "Darrigrand", "Benquet", "Labadie", "Dubroca", "Lalanne", "Ducos", "Castets", "Barrère",
              "Lamarque", "Haurie", "Dupin", "Larrieu", "Bordes", "Daugé", "Lacoste", "Dufau", "Poumirau", "Lartigau",
              "Cazaubon", "Dupouy", "Lannes", "Labat", "Sarraute", "Capdeville", "Tastet", "Lagardère", "Duprat",
              "Pédelucq", "Baylac", "Garbay", "Lafargue", "Destenave", "Marsan", "Candau", "Latapie", "Dubos",
              "Hourcade", "Laborde", "Pujos", "Brethes", "Dussau", "Labarrère"]
HORS_LANDES = [("33000", "Bordeaux"), ("64100", "Bayonne"), ("33700", "Mérignac"), ("64000", "Pau"),
               ("47000", "Agen"), ("32000", "Auch"), ("64600", "Anglet")]

COMMUNES = [("40000", "Mont-de-Marsan"), ("40100", "Dax"), ("40200", "Mimizan"), ("40300", "Peyrehorade"),
            ("40400", "Tartas"), ("40500", "Saint-Sever"), ("40600", "Biscarrosse"), ("40700", "Hagetmau"),
            ("40800", "Aire-sur-l'Adour"), ("40110", "Morcenx"), ("40120", "Roquefort"), ("40130", "Capbreton"),
            ("40140", "Soustons"), ("40160", "Parentis-en-Born"), ("40220", "Tarnos"),
            ("40230", "Saint-Vincent-de-Tyrosse")]
COLLEGES = ["Jean Rostand", "Victor Duruy", "Lubet-Barbon", "Jean Moulin", "Cel le Gaucher", "Pierre de Castelnau",
            "Léon des Landes", "Gaston Crampe", "Jean-Claude Sescousse", "François Truffaut"]
SECTEURS = ["Nord", "Sud", "Est", "Ouest", "Côte", "Chalosse", "Haute-Lande", "Armagnac"]
RIVIERES = ["l'Adour", "la Midouze", "le Luy", "la Douze", "le Gabas"]
PRODUITS = ["fruits et légumes", "viandes", "produits laitiers", "épicerie", "pain et viennoiseries"]

# sigle/partner, objet (format), CPV, CCAG, amount range (k€), sector, direct-award share, duration range
MODELES = {
    "DRM": [
        ("Renforcement de chaussée de la RD {rd} entre {c1} et {c2}", "45233140", CCAG.TRAVAUX, (180, 1800),
         "routes", (3, 8)),
        ("Fourniture d'enrobés à froid pour les centres d'exploitation — secteur {secteur}", "44113620", CCAG.FCS,
         (60, 240), "routes", (12, 48)),
        ("Fauchage et débroussaillage des accotements — secteur {secteur}", "77314000", CCAG.FCS, (80, 320),
         "verts", (12, 48)),
        ("Signalisation horizontale des routes départementales — secteur {secteur}", "45233221", CCAG.TRAVAUX,
         (100, 600), "routes", (12, 36)),
        ("Réparation de l'ouvrage d'art sur {riviere} (RD {rd})", "45221119", CCAG.TRAVAUX, (250, 2400), "routes",
         (4, 12)),
        ("Travaux d'entretien et de réparation des chaussées — secteur {secteur}", "45233142", CCAG.TRAVAUX,
         (150, 900), "routes", (12, 36)),
        ("Aménagement de sécurité du carrefour de la RD {rd} à {c1}", "45233140", CCAG.TRAVAUX, (120, 800),
         "routes", (3, 8)),
    ],
    "DPD": [
        ("Rénovation énergétique du collège {college} à {c1} — isolation et menuiseries", "45321000", CCAG.TRAVAUX,
         (150, 950), "second", (6, 14)),
        ("Réfection de la couverture du collège {college} à {c1}", "45261210", CCAG.TRAVAUX, (90, 600), "batiment",
         (3, 8)),
        ("Construction du gymnase du collège {college} à {c1}", "45212222", CCAG.TRAVAUX, (1500, 4800), "batiment",
         (12, 20)),
        ("Maintenance des installations de chauffage des bâtiments départementaux", "50720000", CCAG.FCS,
         (120, 400), "second", (36, 48)),
        ("Mission de maîtrise d'œuvre pour la restructuration du collège {college}", "71000000", CCAG.MOE,
         (90, 450), "etudes", (24, 48)),
        ("Travaux d'entretien et de maintenance des collèges — secteur {secteur}", "45453000", CCAG.TRAVAUX,
         (120, 700), "second", (12, 36)),
        ("Nettoyage des bâtiments départementaux — secteur {secteur}", "90911200", CCAG.FCS, (100, 450),
         "nettoyage", (24, 48)),
        ("Restructuration de la demi-pension du collège {college} à {c1}", "45214220", CCAG.TRAVAUX, (400, 1900),
         "batiment", (8, 16)),
    ],
    "DEJS": [
        ("Fourniture de denrées alimentaires pour les collèges — {produit}", "15000000", CCAG.FCS, (100, 650),
         "restauration", (12, 48)),
        ("Nettoyage des locaux des collèges du secteur {secteur}", "90919200", CCAG.FCS, (90, 480), "nettoyage",
         (36, 48)),
        ("Transport des collégiens vers les équipements sportifs — secteur {secteur}", "60172000", CCAG.FCS,
         (60, 260), "transport", (12, 36)),
        ("Entretien des espaces verts des collèges — secteur {secteur}", "77311000", CCAG.FCS, (60, 240), "verts",
         (24, 48)),
    ],
    "DSD": [
        ("Transport adapté des élèves en situation de handicap — secteur {secteur}", "60130000", CCAG.FCS,
         (180, 900), "transport", (36, 48)),
        ("Accompagnement socioprofessionnel des bénéficiaires du RSA — secteur {secteur}", "85312320", CCAG.FCS,
         (80, 300), "accompagnement", (12, 36)),
    ],
    "DENV": [
        ("Entretien des espaces naturels sensibles — secteur {secteur}", "77310000", CCAG.FCS, (40, 200), "verts",
         (12, 48)),
        ("Entretien de la Vélodyssée et des voies vertes — secteur {secteur}", "77314000", CCAG.FCS, (60, 260),
         "verts", (12, 36)),
    ],
    "DCP": [
        ("Fournitures de bureau et papier recyclé", "30192000", CCAG.FCS, (40, 160), "bureau", (12, 48)),
        ("Acquisition de véhicules utilitaires pour les centres d'exploitation", "34136000", CCAG.FCS, (90, 420),
         "vehicules", (12, 24)),
        ("Maintenance et assistance du parc informatique", "72500000", CCAG.TIC, (80, 380), "informatique",
         (24, 48)),
        ("Nettoyage des locaux administratifs de l'Hôtel du Département", "90910000", CCAG.FCS, (120, 420),
         "nettoyage", (36, 48)),
    ],
    XL_HABITAT: [
        ("Réhabilitation thermique de {n} logements — résidence {residence} à {c1}", "45321000", CCAG.TRAVAUX,
         (300, 2800), "second", (8, 18)),
        ("Entretien des espaces verts du patrimoine — secteur {secteur}", "77311000", CCAG.FCS, (50, 220), "verts",
         (12, 48)),
        ("Nettoyage des parties communes — secteur {secteur}", "90911200", CCAG.FCS, (60, 300), "nettoyage",
         (12, 48)),
        ("Remplacement de chaudières individuelles — {c1}", "45331100", CCAG.TRAVAUX, (80, 500), "second", (6, 12)),
    ],
    AGGLO: [
        ("Aménagement de la voirie de la zone d'activités de {za}", "45233140", CCAG.TRAVAUX, (200, 1500), "routes",
         (4, 10)),
        ("Collecte et traitement des déchets des déchetteries communautaires", "90511000", CCAG.FCS, (250, 1200),
         "dechets", (36, 48)),
        ("Entretien des espaces verts communautaires — lot {secteur}", "77310000", CCAG.FCS, (60, 240), "verts",
         (12, 36)),
        ("Navettes de transport urbain du Marsan", "60112000", CCAG.FCS, (300, 1400), "transport", (36, 60)),
    ],
    DAX: [
        ("Fourniture et livraison de repas pour la restauration scolaire", "55524000", CCAG.FCS, (150, 700),
         "restauration", (12, 48)),
        ("Rénovation de l'école {ecole}", "45214210", CCAG.TRAVAUX, (120, 900), "batiment", (6, 12)),
        ("Entretien des espaces verts et fleurissement de la ville", "77310000", CCAG.FCS, (60, 250), "verts",
         (12, 36)),
        ("Nettoyage des bâtiments communaux", "90911200", CCAG.FCS, (70, 320), "nettoyage", (12, 48)),
    ],
}
PREFIXES = {DEPARTEMENT: "", XL_HABITAT: "XLH", AGGLO: "MMA", DAX: "DAX"}
# Contracts per year and owner. At this scale the Département's bilan shows the customer's own figures (about
# 24 contracts with an insertion clause a year, 130 companies and 460 people over six years: tests/demo).
PAR_AN = {"DRM": 18, "DPD": 18, "DEJS": 8, "DSD": 2, "DENV": 4, "DCP": 4, XL_HABITAT: 5, AGGLO: 4, DAX: 4}
# The Département's contracts from 2019 (those still running in 2020 carry the first hours followed in the tool,
# demo.insertion.PREMIER_MOIS); the partners' from 2022, when their first convention starts.
PREMIERE_ANNEE_DEPARTEMENT = 2019
PREMIERE_ANNEE_PARTENAIRES = 2022
ZA = ["Mamoura", "Lamolère", "Pémégnan", "Saint-Avit"]
ECOLES = ["Marcel Pagnol", "Jules Ferry", "Berre", "Sablar", "Saint-Vincent"]
RESIDENCES = ["Les Pins", "Le Péglé", "La Ribère", "Les Arènes", "Le Bourg"]

# Contracts launched after 21/08/2026, deliberate compliance situations:
# (owner, model index, amount k€, estimated k€, flags, waiver justification)
APRES_LOI = [
    ("DRM", 0, 640, 700, {"clause_sociale", "clause_environnementale", "critere_environnemental"}, ""),
    ("DPD", 0, 420, 450, {"clause_sociale", "clause_environnementale", "critere_environnemental"}, ""),
    ("DPD", 2, 5550, 5600, {"clause_environnementale", "critere_environnemental"}, ""),  # works ≥ threshold
    ("DEJS", 1, 310, 320, {"clause_environnementale", "critere_environnemental"}, ""),  # services ≥ threshold
    ("DENV", 0, 95, 100, {"clause_environnementale", "critere_environnemental"}, ""),
    ("DCP", 0, 70, 75, {"clause_environnementale"}, ""),  # no environmental criterion
    ("DCP", 2, 265, 280, {"clause_environnementale", "critere_environnemental"},
     "Acquisition de prestations de maintenance de logiciels propriétaires disponibles immédiatement auprès de "
     "l'éditeur : pas de lien suffisant avec l'objet du marché pour une condition d'exécution sociale "
     "(avis de la DCP du 02/09/2026)."),
    (XL_HABITAT, 0, 980, 1000, {"clause_sociale", "clause_environnementale", "critere_environnemental"}, ""),
    (AGGLO, 2, 120, 130, {"critere_environnemental"}, ""),  # no environmental execution condition
    (DAX, 0, 240, 250, {"clause_sociale", "critere_social", "clause_environnementale", "critere_environnemental"},
     ""),
]

SOUS_TRAITANTS = {"routes": ["geiq", "etti"], "batiment": ["geiq", "ai"], "second": ["etti", "scopbois"],
                  "verts": ["tremplin"], "nettoyage": ["adourinsertion", "atelierpins"]}


def _write(stdout, text):
    if stdout:
        stdout.write(text)


def _entreprises_generees() -> list[tuple]:
    """(key, name, postal code, type, sector) of the generated companies, in a stable order."""
    generees, noms = [], set()
    for secteur, nombre in NOMBRE_GENERES.items():
        activites = ACTIVITES[secteur]
        for i in range(nombre):
            patronyme = PATRONYMES[(i * 5 + len(secteur)) % len(PATRONYMES)]
            activite = activites[i % len(activites)]
            nom = f"{activite} {patronyme}" if i % 2 else f"{patronyme} {activite}"
            while nom in noms:
                nom += " et Fils"
            noms.add(nom)
            cp = HORS_LANDES[i // 7 % len(HORS_LANDES)][0] if i % 7 == 6 else COMMUNES[i % len(COMMUNES)][0]
            generees.append((f"{secteur}{i:02d}", nom, cp, TypeStructure.AUTRE, secteur))
    return generees


def _toutes_entreprises() -> list[tuple]:
    return ENTREPRISES + _entreprises_generees()


def _entreprises():
    result = {}
    for index, (key, nom, cp, type_structure, _secteur) in enumerate(_toutes_entreprises()):
        siret = _siret(index + 1)
        entreprise = Entreprise.objects.filter(siret=siret).first()
        if entreprise is None:
            entreprise = services.entreprise_enregistrer(
                entreprise=Entreprise(siret=siret, nom=nom, code_postal=cp, type_structure=type_structure),
                reason="Données de démonstration")
        result[key] = entreprise
    return result


def _secteurs():
    secteurs = {}
    for key, _nom, _cp, _type, secteur in _toutes_entreprises():
        secteurs.setdefault(secteur, []).append(key)
    return secteurs


def _famille_pour():
    """CPV -> purchase family: the clauses app's one longest-prefix rule (marches depends on clauses)."""
    prefixes = familles_prefixes()
    return lambda code: famille_pour_cpv(code, prefixes=prefixes)


def _objet(template, rng):
    c1, c2 = rng.sample(COMMUNES, 2)
    return template.format(
        rd=rng.choice([824, 933, 834, 932, 947, 10, 652, 626, 30, 2]), c1=c1[1], c2=c2[1],
        secteur=rng.choice(SECTEURS), riviere=rng.choice(RIVIERES), college=rng.choice(COLLEGES),
        produit=rng.choice(PRODUITS), n=rng.choice([24, 36, 48, 60, 82]), residence=rng.choice(RESIDENCES),
        za=rng.choice(ZA), ecole=rng.choice(ECOLES),
    ), c1


def _procedure(montant_k, ccag, rng):
    travaux = ccag == CCAG.TRAVAUX
    if montant_k >= (5404 if travaux else 216):
        return Procedure.AO_OUVERT if rng.random() < 0.85 else Procedure.NEGOCIEE
    if montant_k < 40 and rng.random() < 0.5:
        return Procedure.SANS_PUBLICITE
    return Procedure.MAPA if rng.random() < 0.8 else Procedure.AO_OUVERT


def _add_months(day, months):
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


def _rotations(secteurs, entreprises):
    """Per sector, the ordinary companies in a stable shuffled order, taken in turn as awardees: over the years
    nearly every company of the sector wins a contract (as many companies as the customer's bilan counts)."""
    rotations = {}
    for secteur, keys in secteurs.items():
        classiques = [k for k in keys if entreprises[k].type_structure == TypeStructure.AUTRE] or keys
        random.Random(secteur).shuffle(classiques)
        rotations[secteur] = itertools.cycle(classiques)
    return rotations


def _build(*, rng, acheteur, direction, identifiant, modele, lancement, montant_k=None, estime_k=None,
           flags=None, justification="", entreprises, secteurs, famille_pour, user, rotations=None):
    template, cpv, ccag, (low, high), secteur, (dmin, dmax) = modele
    objet, (cp, commune) = _objet(template, rng)
    montant_k = montant_k or rng.randint(low, high)
    montant = D(montant_k * 1000 + rng.choice([0, 250, 480, 900]))
    estime = D((estime_k or round(montant_k * rng.uniform(0.92, 1.12))) * 1000)
    notification = lancement + datetime.timedelta(days=rng.randint(45, 110))
    if notification > TODAY:
        notification = TODAY - datetime.timedelta(days=rng.randint(1, 5))
    duree = rng.randint(dmin, dmax)
    debut = notification + datetime.timedelta(days=rng.randint(10, 40))
    accord_cadre = ccag != CCAG.TRAVAUX and rng.random() < 0.6
    marche = Marche(
        acheteur=acheteur, direction=direction, identifiant=identifiant, objet=objet, code_cpv=cpv,
        famille=famille_pour(cpv), procedure=_procedure(montant_k, ccag, rng), ccag=ccag,
        techniques=[Technique.ACCORD_CADRE] if accord_cadre else [Technique.SANS_OBJET],
        modalites_execution=[ModaliteExecution.BONS_COMMANDE] if accord_cadre else (
            [ModaliteExecution.TRANCHES] if ccag == CCAG.TRAVAUX and montant_k > 1000 else [ModaliteExecution.SANS_OBJET]),
        forme_prix="Unitaire" if accord_cadre else rng.choice(["Forfaitaire", "Mixte"]),
        types_prix=[TypePrix.REVISABLE if duree > 12 else TypePrix.FERME],
        valeur_estimee_ht=estime, montant_ht=montant, duree_mois=duree, date_lancement=lancement,
        date_notification=notification, date_publication_donnees=min(notification + datetime.timedelta(days=20),
                                                                     TODAY),
        date_debut=debut, date_fin=_add_months(debut, duree), lieu_code=cp, lieu_type_code="Code postal",
        lieu_nom=commune, offres_recues=rng.randint(2, 8) if ccag == CCAG.TRAVAUX else rng.randint(1, 5),
        attribution_avance=montant_k > 300 and rng.random() < 0.5,
    )
    if marche.attribution_avance:
        marche.taux_avance = D("0.05")
    if flags is not None:
        for flag in flags:  # what the buyer declares (marches.etat derives the effective considerations)
            setattr(marche, DECLAREES[flag], True)
        if justification:
            marche.derogation_sociale, marche.derogation_justification = True, justification
    services.marche_enregistrer(marche=marche, user=user, reason="Données de démonstration")
    # Awardees: one company of the sector, sometimes a joint group; works may declare an insertion sub-contractor.
    candidats = secteurs.get(secteur) or secteurs["batiment"]
    classiques = [k for k in candidats if entreprises[k].type_structure == TypeStructure.AUTRE] or candidats
    titulaire = rng.choice(classiques if rng.random() < 0.8 else candidats)
    if rotations is not None and secteur in rotations and entreprises[titulaire].type_structure == TypeStructure.AUTRE:
        titulaire = next(rotations[secteur])
    _attribuer(marche, entreprises[titulaire], RoleEntreprise.TITULAIRE, user, date_notification=notification)
    if montant_k > 800 and len(classiques) > 1 and rng.random() < 0.4:
        autre = rng.choice([k for k in classiques if k != titulaire])
        _attribuer(marche, entreprises[autre], RoleEntreprise.COTRAITANT, user, date_notification=notification)
        marche.type_groupement = "Solidaire"
    if secteur in SOUS_TRAITANTS and rng.random() < 0.35:
        sous = rng.choice(SOUS_TRAITANTS[secteur])
        _attribuer(marche, entreprises[sous], RoleEntreprise.SOUS_TRAITANT, user,
                   montant_ht=(montant * D("0.08")).quantize(D("1")), date_notification=debut)
        marche.sous_traitance_declaree = True
    if marche.type_groupement == "Solidaire" or marche.sous_traitance_declaree:
        services.marche_enregistrer(marche=marche, user=user, reason="Données de démonstration")
    # Some amendments: more works, or a longer duration.
    if notification < datetime.date(2026, 6, 1) and rng.random() < 0.12:
        nouveau = (montant * D(str(rng.choice([1.04, 1.08, 1.12])))).quantize(D("0.01"))
        allonge = duree + rng.choice([0, 0, 3, 6])
        services.modification_enregistrer(modification=Modification(
            marche=marche, objet="Travaux supplémentaires" if ccag == CCAG.TRAVAUX else "Prolongation et ajustement "
                                                                                         "des quantités",
            date_notification=_add_months(notification, rng.randint(3, 8)), montant_ht=nouveau,
            duree_mois=allonge if allonge != duree else None), user=user, reason="Données de démonstration")
    return marche


def _attribuer(marche, entreprise, role, user, **kw):
    services.attribution_enregistrer(attribution=Attribution(marche=marche, entreprise=entreprise, role=role, **kw),
                              user=user, reason="Données de démonstration")


def _clauses_apres_loi(marche, flags, user):
    """Clauses matching the flags (so demo.clauses.seed_clauses leaves these contracts as they are)."""
    types = {"clause_sociale": TypeClause.INSERTION, "critere_social": TypeClause.CRITERE_SOCIAL,
             "clause_environnementale": TypeClause.CONDITION_ENVIRONNEMENTALE,
             "critere_environnemental": TypeClause.CRITERE_ENVIRONNEMENTAL}
    for flag in sorted(flags):
        services.clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=types[flag]), user=user,
                           reason="Données de démonstration")


def seed(stdout=None):
    organisations = {o.siret: o for o in Organisation.objects.filter(siret__in=PREFIXES)}
    if DEPARTEMENT not in organisations:
        _write(stdout, "Marchés : organisations de démonstration absentes (demo.organisations.seed d'abord).")
        return
    departement = organisations[DEPARTEMENT]
    directions = {d.sigle: d for d in Direction.objects.filter(organisation=departement)}
    user = User.objects.filter(username="dcp").first()
    entreprises = _entreprises()
    secteurs = _secteurs()
    famille_pour = _famille_pour()
    rotations = _rotations(secteurs, entreprises)
    existing = set(Marche.objects.filter(acheteur__siret__in=PREFIXES).values_list("acheteur__siret", "identifiant"))
    created = 0

    def owner(key):
        if key in organisations:
            return organisations[key], None, PREFIXES[key]
        return departement, directions.get(key), key

    for year in range(PREMIERE_ANNEE_DEPARTEMENT, 2027):
        for key, count in PAR_AN.items():
            if key not in MODELES or (key not in directions and key not in organisations):
                continue
            acheteur, direction, prefix = owner(key)
            if acheteur.siret != DEPARTEMENT and year < PREMIERE_ANNEE_PARTENAIRES:
                continue
            for n in range(1, count + 1):
                identifiant = f"{year}{prefix}{n:03d}" if acheteur.siret == DEPARTEMENT else f"{prefix}{year}-{n:03d}"
                if (acheteur.siret, identifiant) in existing:
                    continue
                local = random.Random(f"{acheteur.siret}-{identifiant}")  # stable per contract
                modele = MODELES[key][(n + year) % len(MODELES[key])]
                last_day = DATE_OBLIGATIONS - datetime.timedelta(days=1) if year == 2026 else \
                    datetime.date(year, 12, 31)
                start = datetime.date(year, 1, 1)
                lancement = start + datetime.timedelta(days=local.randint(0, (last_day - start).days - 60))
                _build(rng=local, acheteur=acheteur, direction=direction, identifiant=identifiant, modele=modele,
                       lancement=lancement, entreprises=entreprises, secteurs=secteurs, famille_pour=famille_pour,
                       user=user, rotations=rotations)
                created += 1
    for index, (key, modele_index, montant_k, estime_k, flags, justification) in enumerate(APRES_LOI, start=1):
        acheteur, direction, prefix = owner(key)
        identifiant = f"2026{prefix}L{index:02d}" if acheteur.siret == DEPARTEMENT else f"{prefix}2026-L{index:02d}"
        if (acheteur.siret, identifiant) in existing:
            continue
        local = random.Random(index)
        lancement = DATE_OBLIGATIONS + datetime.timedelta(days=local.randint(0, 40))
        marche = _build(rng=local, acheteur=acheteur, direction=direction, identifiant=identifiant,
                        modele=MODELES[key][modele_index], lancement=lancement, montant_k=montant_k,
                        estime_k=estime_k, flags=flags, justification=justification, entreprises=entreprises,
                        secteurs=secteurs, famille_pour=famille_pour, user=user)
        _clauses_apres_loi(marche, flags, user)
        created += 1
    total = Marche.objects.filter(acheteur__siret__in=PREFIXES).count()
    _write(stdout, f"Marchés : {created} créés ({total} au total), {Entreprise.objects.count()} entreprises.")
