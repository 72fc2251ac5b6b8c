"""Demo SPASER of the Département des Landes: adopted 2024–2028, in force and published, 3 axes, objectives,
indicators (most bound to the indicator engine, two entered by hand), yearly targets, actions with their
directions, strategic documents and a forecast of upcoming purchases. Idempotent."""

import datetime
from decimal import Decimal as D

from clauses.enums import TypeClause
from clauses.models import FamilleAchat
from core.models import Direction, Organisation, User
from spaser import services
from spaser.enums import SourceIndicateur, StatutAction, StatutSpaser, TypeAxe, TypeDocument, Unite
from spaser.models import Action, Axe, Cible, DocumentStrategique, Indicateur, Objectif, Programmation, Spaser

TITRE = "SPASER du Département des Landes"
SIRET_LANDES = "22400001800016"
ANNEES = [2024, 2025, 2026, 2027, 2028]

PREAMBULE = (
    "Le Département des Landes fait de sa commande publique un levier pour l'emploi des personnes qui en sont "
    "éloignées, pour la transition écologique et pour l'économie sociale et solidaire du territoire.\n"
    "Ce schéma, adopté par l'Assemblée départementale, fixe les objectifs, les indicateurs et leurs cibles "
    "annuelles, ainsi que les actions confiées aux directions. Il est évalué chaque année dans le bilan des "
    "achats responsables et ses indicateurs sont publiés tous les deux ans."
)

# (type, titre, description, [(objectif, [indicateurs])])
# indicateur: (libellé, figure or None, unité, (année réf., valeur réf.), {année: cible}, source manuelle, valeurs)
AXES = [
    (TypeAxe.SOCIAL, "Axe 1 — Une commande publique au service de l'insertion",
     "Faire des marchés du Département un tremplin vers l'emploi pour les personnes qui en sont éloignées.", [
         ("Inscrire une considération sociale dans davantage de marchés", [
             ("Part des marchés notifiés avec une considération sociale (en nombre)",
              "part_marches_consideration_sociale_nombre", Unite.POURCENT, (2023, D("0.63")),
              {2024: D("0.65"), 2025: D("0.68"), 2026: D("0.70"), 2027: D("0.72"), 2028: D("0.75")}, "", {}),
             ("Part des marchés notifiés avec une considération sociale (en valeur)",
              "part_marches_consideration_sociale_montant", Unite.POURCENT, (2023, D("0.85")),
              {2024: D("0.85"), 2026: D("0.88"), 2028: D("0.90")}, "", {}),
         ]),
         ("Faire réaliser les heures d'insertion prévues", [
             ("Heures d'insertion réalisées", "heures_realisees", Unite.HEURES, (2023, D("7600")),
              {2024: D("8000"), 2025: D("8400"), 2026: D("8800"), 2027: D("9200"), 2028: D("9600")}, "", {}),
             ("Taux de réalisation des heures d'insertion", "taux_realisation_heures", Unite.POURCENT,
              (2023, D("0.86")), {2024: D("0.90"), 2028: D("1")}, "", {}),
         ]),
     ]),
    (TypeAxe.ENVIRONNEMENTAL, "Axe 2 — Des achats sobres et respectueux de l'environnement",
     "Préparer l'obligation de 2026 : une considération environnementale dans chaque marché.", [
         ("Une considération environnementale dans tous les marchés", [
             ("Part des marchés notifiés avec une considération environnementale (en nombre)",
              "part_marches_consideration_environnementale_nombre", Unite.POURCENT, (2023, D("0.37")),
              {2024: D("0.45"), 2025: D("0.55"), 2026: D("0.80"), 2027: D("1"), 2028: D("1")}, "", {}),
             ("Part des marchés notifiés avec une considération environnementale (en valeur)",
              "part_marches_consideration_environnementale_montant", Unite.POURCENT, (2023, D("0.32")),
              {2024: D("0.40"), 2026: D("0.80"), 2027: D("1")}, "", {}),
         ]),
         ("Verdir le parc de véhicules", [
             ("Part des véhicules légers acquis à faibles émissions", None, Unite.POURCENT, (2023, D("0.15")),
              {2024: D("0.20"), 2025: D("0.30"), 2026: D("0.40"), 2027: D("0.50"), 2028: D("0.60")},
              "Direction du Patrimoine Départemental — inventaire du parc",
              {2024: (D("0.22"), "Inventaire du parc au 31/12/2024"),
               2025: (D("0.27"), "Inventaire du parc au 31/12/2025")}),
         ]),
     ]),
    (TypeAxe.ESS, "Axe 3 — L'économie sociale et solidaire et les entreprises du territoire",
     "Ouvrir les marchés aux structures d'insertion, aux entreprises adaptées et ESAT, et aux PME landaises.", [
         ("Acheter davantage auprès des SIAE, EA et ESAT", [
             ("Achats auprès des SIAE, EA et ESAT (montant HT)", "achats_inclusifs_montant", Unite.EUROS,
              (2023, D("84000")), {2024: D("100000"), 2025: D("120000"), 2026: D("150000"), 2028: D("200000")},
              "", {}),
             ("Part des achats auprès de l'ESS (en valeur)", "part_achats_ess_montant", Unite.POURCENT,
              (2023, D("0.023")), {2025: D("0.03"), 2028: D("0.05")}, "", {}),
         ]),
         ("Ancrer les achats dans le territoire", [
             ("Part des entreprises en insertion implantées dans les Landes", "entreprises_locales_part",
              Unite.POURCENT, (2023, D("0.86")), {2024: D("0.85"), 2028: D("0.85")}, "", {}),
             ("Entreprises présentes aux Matinales de la commande publique", None, Unite.NOMBRE, (2023, D("35")),
              {2024: D("45"), 2025: D("55"), 2026: D("60"), 2027: D("65"), 2028: D("70")},
              "Direction de la Commande Publique — listes d'émargement",
              {2024: (D("48"), "Matinales de mars et d'octobre 2024"),
               2025: (D("62"), "Matinales de mars et d'octobre 2025")}),
         ]),
     ]),
]

# (titre, direction sigle, échéance, statut, index de l'objectif (axe, objectif))
ACTIONS = [
    ("Examiner chaque marché de travaux de plus de 90 000 € avec la facilitatrice", "DCP",
     datetime.date(2024, 12, 31), StatutAction.REALISEE, (0, 0)),
    ("Introduire la clause d'insertion dans les marchés de voirie et d'ouvrages d'art", "DRM",
     datetime.date(2025, 12, 31), StatutAction.REALISEE, (0, 1)),
    ("Allotir l'entretien des espaces verts des collèges avec des lots réservés aux SIAE", "DEJS",
     datetime.date(2026, 9, 1), StatutAction.EN_COURS, (2, 0)),
    ("Réserver le marché de reprographie aux entreprises adaptées et ESAT", "DCP",
     datetime.date(2025, 6, 30), StatutAction.REALISEE, (2, 0)),
    ("Un critère environnemental dans chaque consultation lancée après le 21 août 2026", "DCP",
     datetime.date(2026, 8, 21), StatutAction.EN_COURS, (1, 0)),
    ("Renouveler les véhicules légers par des véhicules à faibles émissions", "DPD",
     datetime.date(2027, 12, 31), StatutAction.EN_COURS, (1, 1)),
    ("Restauration des collèges : 50 % de produits durables dont 20 % bio", "DEJS",
     datetime.date(2026, 12, 31), StatutAction.EN_COURS, (1, 0)),
    ("Tenir deux Matinales par an et publier la programmation des achats", "DCP",
     datetime.date(2028, 12, 31), StatutAction.EN_COURS, (2, 1)),
    ("Former les acheteurs des directions aux achats responsables", "DCP",
     datetime.date(2025, 6, 30), StatutAction.EN_COURS, None),
    ("Étendre le suivi des clauses aux actions d'insertion de la Solidarité départementale", "DSD",
     datetime.date(2027, 6, 30), StatutAction.A_LANCER, (0, 1)),
]

DOCUMENTS = [
    (TypeDocument.PTI, "Pacte territorial pour l'insertion des Landes", "https://www.landes.fr/"),
    (TypeDocument.PCET, "Plan climat-air-énergie territorial", "https://www.landes.fr/"),
    (TypeDocument.RDD, "Rapport sur la situation en matière de développement durable", "https://www.landes.fr/"),
    (TypeDocument.ESS, "Feuille de route départementale de l'économie sociale et solidaire", "https://www.landes.fr/"),
]

CONTACT = "Direction de la Commande Publique — commande.publique@demo.invalid"

# (acheteur siret, objet, famille, montant, année, trimestre, types de clauses, précisions, direction, publié)
PROGRAMMATION = [
    (SIRET_LANDES, "Réhabilitation et extension du collège de Tartas", "Bâtiment — gros œuvre", D("4200000"), 1, 1,
     [TypeClause.INSERTION, TypeClause.CONDITION_ENVIRONNEMENTALE], "Clause d'insertion d'environ 3 000 heures ; "
     "réemploi des matériaux de démolition.", "DPD", True),
    (SIRET_LANDES, "Rénovation énergétique des bâtiments du centre d'exploitation de Morcenx",
     "Bâtiment — second œuvre", D("850000"), 1, 1, [TypeClause.INSERTION, TypeClause.CRITERE_ENVIRONNEMENTAL],
     "", "DPD", True),
    (SIRET_LANDES, "Entretien des routes départementales — enrobés (accord-cadre 4 lots)",
     "Travaux publics et voirie", D("6000000"), 1, 2, [TypeClause.INSERTION, TypeClause.CONDITION_ENVIRONNEMENTALE],
     "Taux d'enrobés recyclés minimal exigé.", "DRM", True),
    (SIRET_LANDES, "Fauchage et débroussaillage des accotements — secteur Nord", "Espaces verts", D("420000"),
     1, 2, [TypeClause.RESERVE_SIAE], "Un lot réservé aux structures d'insertion.", "DRM", True),
    (SIRET_LANDES, "Nettoyage des locaux des centres médico-sociaux", "Nettoyage", D("310000"), 1, 3,
     [TypeClause.INSERTION, TypeClause.CONDITION_ENVIRONNEMENTALE], "Produits écolabellisés.", "DSD", True),
    (SIRET_LANDES, "Fourniture de denrées biologiques pour la restauration des collèges", "Restauration collective",
     D("1500000"), 1, 3, [TypeClause.CRITERE_ENVIRONNEMENTAL], "Allotissement par filière pour les producteurs "
     "locaux.", "DEJS", True),
    (SIRET_LANDES, "Reprographie et impression des documents départementaux", "Fournitures de bureau", D("180000"),
     1, 4, [TypeClause.RESERVE_EA_ESAT], "", "DCP", True),
    (SIRET_LANDES, "Acquisition de véhicules utilitaires électriques", "Véhicules", D("650000"), 1, 4,
     [TypeClause.CRITERE_ENVIRONNEMENTAL], "", "DPD", True),
    (SIRET_LANDES, "Transport adapté des élèves en situation de handicap", "Transport", D("2400000"), 2, 1,
     [TypeClause.INSERTION, TypeClause.CRITERE_ENVIRONNEMENTAL], "", "DEJS", True),
    (SIRET_LANDES, "Maîtrise d'œuvre de la reconstruction du pont de Saubusse", "Prestations intellectuelles",
     D("720000"), 2, 2, [TypeClause.CRITERE_ENVIRONNEMENTAL], "", "DRM", True),
    (SIRET_LANDES, "Renouvellement du système d'information des solidarités", "Informatique et télécommunications",
     D("1900000"), 2, 2, [], "Consultation en préparation : clauses à définir.", "DSD", False),
    ("27400012300019", "Réhabilitation thermique de 48 logements à Saint-Paul-lès-Dax", "Bâtiment — second œuvre",
     D("2100000"), 1, 2, [TypeClause.INSERTION], "Opération suivie par la facilitatrice sous convention.", None,
     True),
    ("21400088600017", "Aménagement des berges de l'Adour à Dax", "Travaux publics et voirie", D("1300000"), 2, 1,
     [TypeClause.INSERTION], "", None, False),
]


def _out(stdout, message):
    if stdout:
        stdout.write(message)


def seed(stdout=None):
    instance = Organisation.objects.filter(siret=SIRET_LANDES).first()
    if instance is None:
        _out(stdout, "SPASER : organisation de démonstration absente, rien à faire.")
        return
    user = User.objects.filter(username="dcp").first()
    directions = {d.sigle: d for d in Direction.objects.filter(organisation=instance)}
    spaser = Spaser.objects.filter(titre=TITRE, version="1").first()
    if spaser is None:
        spaser = _seed_spaser(instance, directions, user)
    _seed_programmation(directions, user)
    _out(stdout, f"SPASER : « {spaser} » ({spaser.get_statut_display().lower()}), "
                 f"{Indicateur.objects.filter(objectif__axe__spaser=spaser).count()} indicateurs, "
                 f"{spaser.actions.count()} actions, {Programmation.objects.count()} achats programmés "
                 f"({Programmation.objects.publiees().count()} publiés)")


def _seed_spaser(instance, directions, user) -> Spaser:
    spaser = Spaser(titre=TITRE, version="1", annee_debut=2024, annee_fin=2028, preambule=PREAMBULE,
                    statut=StatutSpaser.BROUILLON, published=True)
    services.spaser_enregistrer(spaser=spaser, acheteurs=[instance], user=user)
    objectifs = []
    for ordre_axe, (type_axe, titre, description, objectifs_axe) in enumerate(AXES, start=1):
        axe = services.axe_enregistrer(axe=Axe(spaser=spaser, type_axe=type_axe, titre=titre, description=description,
                                        ordre=ordre_axe), user=user)
        ligne = []
        for ordre_obj, (titre_obj, indicateurs) in enumerate(objectifs_axe, start=1):
            objectif = services.objectif_enregistrer(objectif=Objectif(axe=axe, titre=titre_obj, ordre=ordre_obj), user=user)
            ligne.append(objectif)
            for ordre_ind, (libelle, figure, unite, (annee_ref, valeur_ref), cibles, source, valeurs) in enumerate(
                    indicateurs, start=1):
                indicateur = services.indicateur_enregistrer(indicateur=Indicateur(
                    objectif=objectif, libelle=libelle, unite=unite, ordre=ordre_ind,
                    source_type=SourceIndicateur.MOTEUR if figure else SourceIndicateur.MANUEL,
                    figure=figure or "", source=source, annee_reference=annee_ref, valeur_reference=valeur_ref,
                ), user=user)
                services.indicateur_valeurs_enregistrer(
                    indicateur=indicateur, cibles=cibles,
                    valeurs={(instance.pk, annee): valeur for annee, valeur in valeurs.items()}, user=user)
        objectifs.append(ligne)
    for titre, sigle, echeance, statut, position in ACTIONS:
        objectif = objectifs[position[0]][position[1]] if position else None
        services.action_enregistrer(action=Action(spaser=spaser, objectif=objectif, titre=titre,
                                           direction=directions.get(sigle), echeance=echeance, statut=statut),
                             user=user)
    for type_document, titre, url in DOCUMENTS:
        services.document_enregistrer(document=DocumentStrategique(spaser=spaser, type_document=type_document, titre=titre,
                                                            url=url), user=user)
    services.spaser_adopter(spaser=spaser, date_adoption=datetime.date(2024, 3, 29),
                            reference_deliberation="Délibération de l'Assemblée départementale n° 4(2) du 29 mars 2024",
                            user=user)
    services.spaser_mettre_en_vigueur(spaser=spaser, user=user)
    assert Cible.objects.filter(indicateur__objectif__axe__spaser=spaser).exists()
    return spaser


def _seed_programmation(directions, user):
    acheteurs = {o.siret: o for o in Organisation.objects.all()}
    familles = {f.nom: f for f in FamilleAchat.objects.all()}
    annee_en_cours = datetime.date.today().year  # the forecast stays "à venir" whenever the demo is loaded
    for siret, objet, famille, montant, decalage, trimestre, types, precisions, sigle, publie in PROGRAMMATION:
        annee = annee_en_cours + decalage
        acheteur = acheteurs.get(siret)
        if acheteur is None or Programmation.objects.filter(acheteur=acheteur, objet=objet).exists():
            continue
        services.programmation_enregistrer(programmation=Programmation(
            acheteur=acheteur, objet=objet, famille=familles.get(famille), montant_estime_ht=montant, annee=annee,
            trimestre=trimestre, types_clauses=[str(t) for t in types], clauses_prevues=precisions,
            direction=directions.get(sigle) if sigle else None,
            contact=CONTACT if siret == SIRET_LANDES else "Service marchés de l'acheteur", published=publie,
        ), user=user)
