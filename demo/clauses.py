"""Demo purchase families, clause library (clausier), self-diagnoses, and clauses on the demo contracts.
Idempotent: running it again changes nothing."""

import datetime
import zlib
from decimal import Decimal

from django.db.models import Q

from clauses import services
from clauses.enums import ModeCalculHeures, TypeClause
from clauses.models import ClauseMarche, ClauseModele, Diagnostic, DiagnosticQuestion, FamilleAchat
from clauses.selectors import clauses_modeles_pour, famille_pour_cpv
from core.models import User
from marches import services as marches_services
from marches.models import Marche

D = Decimal
LOI_2026 = datetime.date(2026, 8, 21)

# nom, préfixes CPV, part de main-d'œuvre, taux d'insertion, coût horaire, réservation à étudier, description
FAMILLES = [
    ("Bâtiment — gros œuvre", ["451", "452", "4526"], D("0.50"), D("0.05"), D("30"), "",
     "Construction, démolition, maçonnerie, charpente, couverture."),
    ("Bâtiment — second œuvre", ["453", "454"], D("0.65"), D("0.07"), D("30"), "",
     "Électricité, plomberie, chauffage, menuiserie, plâtrerie, peinture (main-d'œuvre jusqu'à 70 %)."),
    ("Travaux publics et voirie", ["4523", "4524", "45112"], D("0.35"), D("0.05"), D("32"), "",
     "Routes, ouvrages d'art, réseaux, terrassement, signalisation."),
    ("Espaces verts", ["773", "45112710"], D("0.70"), D("0.10"), D("26"), "SIAE",
     "Entretien et création d'espaces verts, élagage, fauchage."),
    ("Nettoyage", ["909"], D("0.80"), D("0.10"), D("25"), "SIAE",
     "Nettoyage de locaux, vitrerie, désinfection."),
    ("Restauration collective", ["555", "15"], D("0.40"), D("0.05"), D("27"), "",
     "Restauration des collèges et des établissements, denrées alimentaires."),
    ("Fournitures de bureau", ["3019", "22"], D("0.10"), D("0.02"), D("28"), "EA_ESAT",
     "Petites fournitures, papier, impression et reprographie."),
    ("Informatique et télécommunications", ["48", "72", "302", "642"], D("0.30"), D("0.02"), D("45"), "",
     "Matériel, logiciels, services informatiques, télécommunications."),
    ("Prestations intellectuelles", ["71", "79"], D("0.60"), D("0.03"), D("50"), "",
     "Maîtrise d'œuvre, études, assistance, conseil, communication."),
    ("Transport", ["60"], D("0.60"), D("0.05"), D("30"), "",
     "Transport scolaire et de voyageurs, transport adapté."),
    ("Véhicules", ["34"], D("0.10"), D("0.02"), D("35"), "",
     "Véhicules légers et utilitaires, engins, pièces."),
    ("Énergie", ["09", "65"], D("0.05"), D("0.01"), D("40"), "",
     "Électricité, gaz, carburants, réseaux de chaleur."),
    ("Fournitures et matériaux de voirie", ["441", "442", "3492"], D("0.10"), D("0.02"), D("30"), "",
     "Enrobés, granulats, signalisation, matériaux des centres d'exploitation."),
    ("Maintenance des bâtiments et équipements", ["507", "508", "5071"], D("0.60"), D("0.05"), D("35"), "",
     "Maintenance du chauffage, de la ventilation, des ascenseurs et des installations techniques."),
    ("Collecte et traitement des déchets", ["905"], D("0.50"), D("0.07"), D("28"), "SIAE",
     "Collecte, tri, traitement et valorisation des déchets, déchetteries, ressourceries."),
    ("Services sociaux et d'insertion", ["853", "8531", "8532"], D("0.80"), D("0.05"), D("30"), "ESS",
     "Accompagnement socioprofessionnel, services sociaux : réservation ESS possible (L2113-15)."),
]

TRAVAUX = ["Bâtiment — gros œuvre", "Bâtiment — second œuvre", "Travaux publics et voirie"]
SERVICES_MO = ["Espaces verts", "Nettoyage", "Restauration collective", "Transport",
               "Maintenance des bâtiments et équipements", "Collecte et traitement des déchets"]

PENALITE = ("En cas de non-respect de cet engagement, imputable au titulaire, une pénalité de 60 € HT par heure "
            "d'insertion non réalisée est appliquée, sans mise en demeure préalable, par dérogation à "
            "l'article 19.1 du CCAG applicable.")

# titre, type, familles (noms ; vide = toutes), texte
CLAUSIER = [
    ("Action d'insertion professionnelle — heures calculées", TypeClause.INSERTION, [],
     "Article — Action d'insertion professionnelle (condition d'exécution)\n\n"
     "En application de l'article L2112-2 du code de la commande publique, le titulaire s'engage à réaliser, "
     "pour l'exécution du marché « {objet} », une action d'insertion professionnelle au bénéfice de personnes "
     "rencontrant des difficultés sociales ou professionnelles particulières.\n\n"
     "Le volume d'heures d'insertion à réaliser est de {heures_requises}. Il résulte du montant du marché "
     "({montant_ht} HT), de la part de main-d'œuvre retenue ({part_main_oeuvre}), du taux d'insertion "
     "({taux_insertion}) et du coût horaire moyen chargé ({cout_horaire}).\n\n"
     "Le titulaire choisit librement entre : l'embauche directe (CDI, CDD, contrat d'apprentissage ou de "
     "professionnalisation) ; la mise à disposition de salariés par une association intermédiaire, une "
     "entreprise de travail temporaire d'insertion ou un groupement d'employeurs pour l'insertion et la "
     "qualification ; la sous-traitance ou la co-traitance avec une structure d'insertion par l'activité "
     "économique. L'éligibilité des personnes est validée par le facilitateur désigné par {acheteur}, qui "
     "accompagne le titulaire pendant toute la durée d'exécution ({delai}).\n\n"
     "Le titulaire transmet chaque mois au facilitateur l'état des heures réalisées. " + PENALITE),
    ("Action d'insertion — variante forfaitaire (heures par montant facturé)", TypeClause.INSERTION, [],
     "Article — Action d'insertion professionnelle (condition d'exécution, variante forfaitaire)\n\n"
     "En application de l'article L2112-2 du code de la commande publique, le titulaire réserve à l'insertion "
     "de personnes éloignées de l'emploi un volume d'heures de travail proportionnel au montant facturé, soit "
     "{heures_requises} pour un montant de {montant_ht} HT. Le volume définitif est ajusté au montant "
     "effectivement facturé à l'issue du marché.\n\n"
     "Les modalités de réalisation et le suivi sont ceux de la clause d'insertion du clausier de {acheteur} ; "
     "le facilitateur valide l'éligibilité des personnes. " + PENALITE),
    ("Critère social — performance en matière d'insertion", TypeClause.CRITERE_SOCIAL, [],
     "Critère d'attribution — performance en matière d'insertion professionnelle (pondération : 10 %)\n\n"
     "En application des articles L2152-7 et R2152-7 du code de la commande publique, les offres sont "
     "appréciées au regard de la performance en matière d'insertion professionnelle des publics en difficulté. "
     "Ce critère est jugé sur la note méthodologique du candidat : nature des postes proposés, modalités "
     "d'accueil et de tutorat, actions de formation qualifiante, perspectives d'embauche durable à l'issue "
     "du marché. Le candidat qui ne remet pas de note obtient la note de 0 sur ce critère."),
    ("Marché réservé aux entreprises adaptées et ESAT", TypeClause.RESERVE_EA_ESAT, [],
     "Réservation du marché (article L2113-12 du code de la commande publique)\n\n"
     "Le présent marché est réservé aux entreprises adaptées mentionnées à l'article L5213-13 du code du "
     "travail, aux établissements et services d'accompagnement par le travail mentionnés à l'article L344-2 du "
     "code de l'action sociale et des familles, ainsi qu'aux structures équivalentes, qui emploient une "
     "proportion minimale de 50 % de travailleurs handicapés (article R2113-7). Le candidat joint à son offre "
     "tout document établissant qu'il remplit ces conditions."),
    ("Marché réservé aux structures d'insertion par l'activité économique", TypeClause.RESERVE_SIAE, [],
     "Réservation du marché (article L2113-13 du code de la commande publique)\n\n"
     "Le présent marché est réservé aux structures d'insertion par l'activité économique mentionnées à "
     "l'article L5132-4 du code du travail et aux structures équivalentes, lorsqu'elles emploient une "
     "proportion minimale de 50 % de travailleurs défavorisés (article R2113-7). Le candidat justifie de son "
     "conventionnement par l'État en cours de validité."),
    ("Marché réservé aux entreprises de l'économie sociale et solidaire", TypeClause.RESERVE_ESS, [],
     "Réservation du marché (article L2113-15 du code de la commande publique)\n\n"
     "Le présent marché de services de santé, sociaux ou culturels mentionnés à l'article R2113-8 est réservé "
     "aux entreprises de l'économie sociale et solidaire mentionnées à l'article 1er de la loi n° 2014-856 du "
     "31 juillet 2014, ainsi qu'aux structures équivalentes, qui poursuivent un objectif d'utilité sociale. "
     "Sa durée ne peut excéder trois ans ({delai})."),
    ("Gestion et valorisation des déchets de chantier", TypeClause.CONDITION_ENVIRONNEMENTALE, TRAVAUX,
     "Condition d'exécution environnementale — déchets de chantier (article L2112-2 du code de la commande "
     "publique)\n\n"
     "Le titulaire trie à la source les déchets produits par le chantier, au minimum en sept flux (bois, "
     "métal, plastique, papier-carton, verre, plâtre, fractions minérales), conformément à l'article L541-21-2 "
     "du code de l'environnement. Il atteint un taux de valorisation matière d'au moins 70 % en masse des "
     "déchets non dangereux et remet à {acheteur} les bordereaux de suivi et un bilan des déchets dans un "
     "délai d'un mois après la réception des travaux. Les engins de chantier respectent au minimum la norme "
     "d'émission Stage IV."),
    ("Produits d'entretien écolabellisés et méthodes économes", TypeClause.CONDITION_ENVIRONNEMENTALE,
     ["Nettoyage"],
     "Condition d'exécution environnementale — produits et méthodes de nettoyage (article L2112-2 du code de "
     "la commande publique)\n\n"
     "Au moins 80 % en valeur des produits d'entretien utilisés portent l'Écolabel européen ou un label "
     "équivalent. Le titulaire privilégie les méthodes sans produit (microfibre, vapeur), utilise des systèmes "
     "de dosage, et forme ses agents à l'utilisation raisonnée des produits. Il remet chaque année la liste des "
     "produits employés et leurs quantités."),
    ("Approvisionnement durable et lutte contre le gaspillage alimentaire",
     TypeClause.CONDITION_ENVIRONNEMENTALE, ["Restauration collective"],
     "Condition d'exécution environnementale — restauration (article L2112-2 du code de la commande publique, "
     "article L230-5-1 du code rural et de la pêche maritime)\n\n"
     "Les repas comprennent, en valeur d'achat HT, au moins 50 % de produits de qualité et durables, dont au "
     "moins 20 % issus de l'agriculture biologique. Le titulaire met en œuvre un plan de lutte contre le "
     "gaspillage alimentaire (pesées trimestrielles, ajustement des grammages) et n'utilise pas de contenants "
     "alimentaires en plastique pour la cuisson, le réchauffage et le service."),
    ("Emballages réduits, reprise et réemploi des équipements", TypeClause.CONDITION_ENVIRONNEMENTALE,
     ["Fournitures de bureau", "Informatique et télécommunications"],
     "Condition d'exécution environnementale — emballages et fin de vie (article L2112-2 du code de la "
     "commande publique)\n\n"
     "Les livraisons sont groupées et les emballages réduits au strict nécessaire ; le titulaire reprend "
     "gratuitement les emballages et, pour le matériel, les équipements en fin de vie, qu'il oriente en "
     "priorité vers le réemploi ou la réutilisation (article 58 de la loi n° 2020-105 du 10 février 2020), "
     "puis vers une filière de traitement agréée des DEEE."),
    ("Zéro produit phytosanitaire et gestion différenciée", TypeClause.CONDITION_ENVIRONNEMENTALE,
     ["Espaces verts"],
     "Condition d'exécution environnementale — espaces verts (article L2112-2 du code de la commande "
     "publique)\n\n"
     "Le titulaire n'utilise aucun produit phytopharmaceutique de synthèse (article L253-7 du code rural et "
     "de la pêche maritime). Il applique le plan de gestion différenciée de {acheteur} (fauche tardive, "
     "paillage), valorise sur place ou en filière de compostage les déchets verts et utilise des matériels "
     "électriques pour les interventions en zone habitée."),
    ("Véhicules à faibles émissions et écoconduite", TypeClause.CONDITION_ENVIRONNEMENTALE,
     ["Transport", "Véhicules"],
     "Condition d'exécution environnementale — véhicules (article L2112-2 du code de la commande publique)\n\n"
     "Les véhicules affectés à l'exécution du marché respectent au minimum la norme Euro VI, et au moins "
     "{part_main_oeuvre} de la flotte est constituée de véhicules à faibles émissions au sens de l'article "
     "L224-7 du code de l'environnement. Les conducteurs suivent une formation à l'écoconduite dans un délai "
     "de {delai}."),
    ("Réduction des déchets et des émissions liées à l'exécution", TypeClause.CONDITION_ENVIRONNEMENTALE, [],
     "Condition d'exécution environnementale (article L2112-2 du code de la commande publique)\n\n"
     "Le titulaire limite les déchets et les émissions liés à l'exécution du marché : documents et rapports "
     "transmis sous forme dématérialisée, déplacements mutualisés ou en transports collectifs quand c'est "
     "possible, livraisons groupées, reprise et valorisation des emballages et des déchets produits. Il "
     "présente chaque année à {acheteur} un bilan chiffré de ces mesures."),
    ("Performance environnementale de l'offre", TypeClause.CRITERE_ENVIRONNEMENTAL, [],
     "Critère d'attribution — performance environnementale (pondération : 15 %)\n\n"
     "En application des articles L2152-7 et R2152-7 du code de la commande publique, les offres sont "
     "appréciées au regard de leurs caractéristiques environnementales, jugées sur la note environnementale "
     "du candidat : mesures de réduction des déchets et des emballages, des consommations d'énergie et des "
     "émissions liées au transport, labels et certifications des produits proposés. Le prix ne peut être le "
     "critère unique d'attribution."),
    ("Bilan carbone et matériaux biosourcés", TypeClause.CRITERE_ENVIRONNEMENTAL, TRAVAUX,
     "Critère d'attribution — impact carbone des travaux (pondération : 15 %)\n\n"
     "En application des articles L2152-7 et R2152-7 du code de la commande publique, les offres sont "
     "appréciées au regard de l'impact carbone des solutions proposées : part de matériaux biosourcés, "
     "géosourcés ou issus du réemploi, distance d'approvisionnement des matériaux, plan de réduction des "
     "émissions du chantier (engins, transports)."),
    ("Coût du cycle de vie", TypeClause.CRITERE_ENVIRONNEMENTAL,
     ["Véhicules", "Informatique et télécommunications", "Énergie"],
     "Critère d'attribution — coût du cycle de vie (article R2152-9 du code de la commande publique)\n\n"
     "Le critère prix est apprécié en coût du cycle de vie : coût d'acquisition, consommation d'énergie, coûts "
     "de maintenance et de fin de vie, et coût des externalités environnementales (émissions de gaz à effet de "
     "serre) selon la méthode décrite au règlement de la consultation."),
    ("Égalité professionnelle et lutte contre les discriminations", TypeClause.AUTRE, [],
     "Condition d'exécution — égalité professionnelle\n\n"
     "Le titulaire met en œuvre, pendant l'exécution du marché, des actions en faveur de l'égalité "
     "professionnelle entre les femmes et les hommes et de lutte contre les discriminations, et en rend compte "
     "à {acheteur} dans le rapport annuel d'exécution."),
]

# Self-diagnosis seeded for a few families: notes per question code, for 2025 then 2026.
DIAGNOSTICS = {
    "Nettoyage": {
        2025: {"social-examen": 2, "social-clause": 2, "social-critere": 1, "social-suivi": 2, "env-besoin": 1,
               "env-condition": 1, "env-critere": 0, "env-suivi": 0, "ess-sourcing": 2, "ess-allotissement": 1,
               "ess-reserve": 1, "ess-achats": 0},
        2026: {"social-examen": 3, "social-clause": 3, "social-critere": 1, "social-suivi": 3, "env-besoin": 2,
               "env-condition": 2, "env-critere": 2, "env-suivi": 1, "ess-sourcing": 2, "ess-allotissement": 2,
               "ess-reserve": 2, "ess-achats": 1},
    },
    "Bâtiment — gros œuvre": {
        2025: {"social-examen": 3, "social-clause": 3, "social-critere": 0, "social-suivi": 2, "env-besoin": 1,
               "env-condition": 2, "env-critere": 0, "env-suivi": 1, "ess-sourcing": 1, "ess-allotissement": 2,
               "ess-reserve": 0, "ess-achats": 0},
        2026: {"social-examen": 3, "social-clause": 3, "social-critere": 1, "social-suivi": 3, "env-besoin": 2,
               "env-condition": 3, "env-critere": 2, "env-suivi": 1, "ess-sourcing": 1, "ess-allotissement": 2,
               "ess-reserve": 0, "ess-achats": 1},
    },
    "Fournitures de bureau": {
        2026: {"social-examen": 1, "social-clause": 0, "social-critere": 0, "social-suivi": 0, "env-besoin": 2,
               "env-condition": 1, "env-critere": 1, "env-suivi": 0, "ess-sourcing": 1, "ess-allotissement": 1,
               "ess-reserve": 2, "ess-achats": 1},
    },
}


def _write(stdout, text):
    if stdout:
        stdout.write(text)


def _demo_user(username="dcp"):
    return User.objects.filter(username=username).first()


def diagnostic_grille_ensure():
    """The self-diagnosis grid comes with migration 0004; recreate it if the table was emptied (flush)."""
    from importlib import import_module

    from django.apps import apps

    import_module("clauses.migrations.0004_questions_diagnostic").create_questions(apps, None)


def seed_referentiel(stdout=None):
    user = _demo_user()
    diagnostic_grille_ensure()
    familles = {}
    for nom, prefixes, part, taux, cout, reservation, description in FAMILLES:
        famille = FamilleAchat.objects.filter(nom=nom).first()
        if famille is None:
            famille = services.famille_enregistrer(
                famille=FamilleAchat(nom=nom, prefixes_cpv=prefixes, part_main_oeuvre=part, taux_insertion=taux,
                                     cout_horaire=cout, reservation_conseillee=reservation, description=description),
                user=user, reason="Référentiel de démonstration",
            )
        familles[nom] = famille
    for titre, type_clause, noms, texte in CLAUSIER:
        if ClauseModele.objects.filter(titre=titre).exists():
            continue
        services.clause_modele_creer(modele=ClauseModele(titre=titre, type_clause=type_clause), texte=texte,
                                      familles=[familles[n] for n in noms], user=user)
    questions = {q.code: q for q in DiagnosticQuestion.objects.all()}
    for nom, annees in DIAGNOSTICS.items():
        for annee, notes in annees.items():
            if Diagnostic.objects.filter(famille=familles[nom], annee=annee).exists():
                continue
            services.diagnostic_enregistrer(
                famille=familles[nom], annee=annee, user=user,
                notes={questions[code]: note for code, note in notes.items() if code in questions},
                commentaire="Autodiagnostic réalisé en comité achats responsables avec les directions et la "
                            "facilitatrice.",
            )
    _write(stdout, f"Familles d'achat : {FamilleAchat.objects.count()}, clauses types : "
                   f"{ClauseModele.objects.count()}, autodiagnostics : {Diagnostic.objects.count()}")


def _modele(type_clause, famille):
    modeles = clauses_modeles_pour(type_clause=type_clause, famille=famille)
    # Prefer the clause written for the family over the general one.
    propres = [m for m in modeles if famille is not None and famille in m.familles.all()]
    choix = (propres or modeles or [None])[0]
    if choix is not None and "forfaitaire" in choix.titre and len(modeles) > 1:
        choix = next(m for m in modeles if "forfaitaire" not in m.titre)
    return choix


def _ajouter(marche, type_clause, user, **params):
    modele = _modele(type_clause, marche.famille)
    version = modele.version_courante if modele else None
    clause = ClauseMarche(marche=marche, type_clause=type_clause, version=version, **params)
    return marches_services.clause_marche_enregistrer(clause=clause, user=user, reason="Données de démonstration")


def seed_clauses(stdout=None):
    """Clauses on a believable share of the demo contracts (after demo.marches.seed)."""

    user = _demo_user()
    added = 0
    marches = (
        Marche.objects.exclude(origine="decp")
        # Contracts in preparation (not notified: demo.examens) get their clauses from their examination.
        .exclude(date_notification__isnull=True)
        .filter(Q(clauses__isnull=True))
        .select_related("famille", "acheteur")
        .order_by("pk")
    )
    for marche in marches:
        if marche.famille_id is None and marche.code_cpv:
            famille = famille_pour_cpv(marche.code_cpv)
            if famille is not None:
                marche.famille = famille  # the family sets the clauses' parameters: through the contract service
                marches_services.marche_enregistrer(marche=marche, user=user, reason="Famille déduite du CPV")
        famille = marche.famille
        nom = famille.nom if famille else ""
        montant = marche.montant_ht or marche.valeur_estimee_ht or D("0")
        n = zlib.crc32((marche.identifiant or str(marche.pk)).encode())  # same choice in every database
        after_law = marche.date_lancement is not None and marche.date_lancement >= LOI_2026
        if nom in TRAVAUX and montant >= 90000 and n % 7 != 0:
            params = {}
            if n % 5 == 0:
                params = {"taux_insertion": D("0.07"),
                          "motif_derogation": "Opération en quartier prioritaire de la politique de la ville : "
                                              "taux porté à 7 % (avis de la facilitatrice)."}
            _ajouter(marche, TypeClause.INSERTION, user, **params)
            added += 1
        elif nom in ("Espaces verts", "Nettoyage") and montant >= 40000 and n % 4 != 3:
            if n % 3 == 0:
                _ajouter(marche, TypeClause.RESERVE_SIAE, user)
            else:
                _ajouter(marche, TypeClause.INSERTION, user)
            added += 1
        elif nom == "Fournitures de bureau" and n % 2 == 0:
            _ajouter(marche, TypeClause.RESERVE_EA_ESAT, user)
            added += 1
        elif nom == "Services sociaux et d'insertion" and n % 2 == 0:
            _ajouter(marche, TypeClause.RESERVE_ESS, user)
            added += 1
        elif nom in ("Collecte et traitement des déchets", "Maintenance des bâtiments et équipements") \
                and montant >= 90000 and n % 3 != 0:
            _ajouter(marche, TypeClause.INSERTION, user)
            added += 1
        elif nom in ("Restauration collective", "Transport") and montant >= 90000 and n % 2 == 0:
            _ajouter(marche, TypeClause.INSERTION, user, mode_calcul=ModeCalculHeures.FORFAIT,
                     euros_par_heure=D("2000"),
                     motif_derogation="Variante forfaitaire : une heure par tranche de 2 000 € facturés.")
            added += 1
        elif after_law and montant >= 216000:
            _ajouter(marche, TypeClause.INSERTION, user)
            added += 1
        if nom in SERVICES_MO and montant >= 90000 and n % 4 == 0:
            _ajouter(marche, TypeClause.CRITERE_SOCIAL, user)
        # Before the 2026 law: environmental clauses on about a third of the contracts (more where the
        # clausier has a clause written for the family), criteria less often.
        propre = famille is not None and famille.clauses_modeles.filter(
            type_clause=TypeClause.CONDITION_ENVIRONNEMENTALE).exists()
        if after_law or n % 5 == 0 or (propre and n % 5 == 1):
            _ajouter(marche, TypeClause.CONDITION_ENVIRONNEMENTALE, user)
        if after_law or n % 6 == 0:
            _ajouter(marche, TypeClause.CRITERE_ENVIRONNEMENTAL, user)
    # Clauses recorded without their text (demo.marches records the clauses of contracts launched
    # after 21/08/2026 from their flags): give them the wording of the library, as a buyer would.
    sans_texte = ClauseMarche.objects.filter(version__isnull=True, texte="").select_related("marche__famille",
                                                                                            "marche__acheteur")
    for clause in sans_texte:
        modele = _modele(clause.type_clause, clause.marche.famille)
        if modele is not None and modele.version_courante is not None:
            clause.version = modele.version_courante
            marches_services.clause_marche_enregistrer(clause=clause, user=user, reason="Texte repris du clausier")
    _write(stdout, f"Clauses sur les marchés : {ClauseMarche.objects.count()} "
                   f"({ClauseMarche.objects.filter(type_clause=TypeClause.INSERTION).count()} clauses d'insertion ; "
                   f"{added} marchés clausés par cette étape)")
