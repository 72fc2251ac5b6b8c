"""One written definition per indicator: what the dashboard, the bilan PDF, the public site and the open-data
indicators CSV show, in plain French. Each output reads its text from here (never its own wording), so the
figure and its definition cannot drift apart. Keys: the figure keys of spaser.figures (the SPASER's indicators
and the public site) and the engine's own figures (bilans.selectors.indicateurs_annuels)."""

from dataclasses import dataclass

from core.templatetags.formats import (
    compte,
    format_date,
    format_euros,
    format_heures,
    format_nombre,
    format_pourcent,
    pluriel,
)

SEUIL_SECRET_COMMUNE = 3  # cells of fewer people are grouped (no small cells): bilans.selectors.secret_statistique

PERIMETRE = ("les marchés de l'acheteur (restreints, s'il y a lieu, à une direction, une famille d'achat ou aux "
             "marchés de l'acheteur couverts par une convention)")
ANNEE = "marchés notifiés du 1er janvier au 31 décembre de l'année"
HEURES = ("Heures comptées : sous-traitance ou co-traitance à une SIAE convertie en heures (montant HT ÷ taux "
          "horaire de l'instance), heures de formation plafonnées par marché à une part de ses heures requises")
REALISATION = ("les marchés du périmètre portant une clause d'insertion, notifiés au plus tard le 31 décembre de "
               "l'année et dont l'exécution n'était pas terminée au 1er janvier (marchés en cours d'exécution "
               "dans l'année)")
EXAMENS_LANCES = ("consultations lancées du 1er janvier au 31 décembre de l'année, jusqu'à ce jour, à partir de la "
                  "date où l'examen avant lancement s'applique")
EXAMENS_DECIDES = "examens décidés par la DCP du 1er janvier au 31 décembre de l'année"
SECRET = (f"les lignes de moins de {SEUIL_SECRET_COMMUNE} personnes (ou sans valeur) sont regroupées "
          "(secret statistique)")


@dataclass(frozen=True)
class Definition:
    libelle: str
    numerateur: str
    denominateur: str = ""
    population: str = ""
    periode: str = ""
    note: str = ""

    @property
    def texte(self) -> str:
        """The definition as one paragraph (shown next to the figure, and in the CSV)."""
        parts = [f"{self.numerateur[0].upper()}{self.numerateur[1:]}"]
        if self.denominateur:
            parts[0] += f", divisé par {self.denominateur}"
        if self.population:
            parts.append(f"Population : {self.population}")
        if self.periode:
            parts.append(f"Période : {self.periode}")
        if self.note:
            parts.append(self.note)
        return ". ".join(parts) + "."


def _part(libelle, numerateur, mesure):
    return Definition(libelle, numerateur, f"les marchés notifiés du même périmètre ({mesure})", PERIMETRE, ANNEE)


DEFINITIONS: dict[str, Definition] = {
    "considerations": Definition(
        "Marchés notifiés et leurs considérations", "nombre et montant HT des marchés notifiés, puis de ceux portant "
        "une considération sociale (clause sociale, critère social ou marché réservé), une clause d'insertion, une "
        "considération environnementale (clause ou critère) ; un marché peut en porter plusieurs", "", PERIMETRE,
        ANNEE),
    # Contracts notified in the year
    "marches_notifies_nombre": Definition("Marchés notifiés (nombre)", "nombre de marchés notifiés", "", PERIMETRE,
                                          ANNEE),
    "marches_notifies_montant": Definition(
        "Marchés notifiés (montant HT)", "somme des montants HT actuels (avenants compris ; un marché sans montant "
        "compte pour 0 €)", "", PERIMETRE, ANNEE),
    "marches_consideration_sociale_nombre": Definition(
        "Marchés avec une considération sociale (nombre)", "nombre de marchés portant au moins une clause sociale, "
        "un critère social ou réservés (déclarés par l'acheteur ou issus des clauses)", "", PERIMETRE, ANNEE),
    "marches_consideration_sociale_montant": Definition(
        "Marchés avec une considération sociale (montant HT)", "somme des montants HT des marchés portant au moins "
        "une clause sociale, un critère social ou réservés", "", PERIMETRE, ANNEE),
    "part_marches_consideration_sociale_nombre": _part(
        "Part des marchés avec une considération sociale (en nombre)",
        "nombre de marchés portant au moins une clause sociale, un critère social ou réservés", "en nombre"),
    "part_marches_consideration_sociale_montant": _part(
        "Part des marchés avec une considération sociale (en valeur)",
        "montant HT des marchés portant au moins une clause sociale, un critère social ou réservés", "en montant HT"),
    "marches_clause_insertion_nombre": Definition(
        "Marchés avec une clause d'insertion (nombre)", "nombre de marchés portant au moins une clause d'insertion",
        "", PERIMETRE, ANNEE),
    "part_marches_clause_insertion_nombre": _part(
        "Part des marchés avec une clause d'insertion (en nombre)",
        "nombre de marchés portant au moins une clause d'insertion", "en nombre"),
    "part_marches_clause_insertion_montant": _part(
        "Part des marchés avec une clause d'insertion (en valeur)",
        "montant HT des marchés portant au moins une clause d'insertion", "en montant HT"),
    "marches_consideration_environnementale_nombre": Definition(
        "Marchés avec une considération environnementale (nombre)", "nombre de marchés portant au moins une clause "
        "ou un critère environnemental", "", PERIMETRE, ANNEE),
    "marches_consideration_environnementale_montant": Definition(
        "Marchés avec une considération environnementale (montant HT)", "somme des montants HT des marchés portant "
        "au moins une clause ou un critère environnemental", "", PERIMETRE, ANNEE),
    "part_marches_consideration_environnementale_nombre": _part(
        "Part des marchés avec une considération environnementale (en nombre)",
        "nombre de marchés portant au moins une clause ou un critère environnemental", "en nombre"),
    "part_marches_consideration_environnementale_montant": _part(
        "Part des marchés avec une considération environnementale (en valeur)",
        "montant HT des marchés portant au moins une clause ou un critère environnemental", "en montant HT"),
    "objectifs": Definition(
        "Part des marchés face à la cible", "nombre de marchés notifiés portant la considération",
        "le nombre de marchés notifiés du même périmètre", PERIMETRE, ANNEE,
        "La part est comparée à la cible du SPASER adopté pour l'année s'il en existe une (cible de l'année, "
        "interpolée entre deux années ou reconduite), sinon à la cible nationale du PNAD (30 % sociale, 100 % "
        "environnementale) ; l'objectif est « atteint » quand la part est au moins égale à la cible"),
    "conformite": Definition(
        "Conformité aux obligations d'août 2026", "nombre et montant HT des marchés selon leur statut de conformité "
        "enregistré (conforme, obligation manquante, non soumis)", "", PERIMETRE, ANNEE),
    # Insertion hours
    "heures_requises": Definition(
        "Heures d'insertion requises par les marchés notifiés dans l'année", "somme des heures requises par les "
        "clauses d'insertion des marchés notifiés dans l'année (engagements nouveaux de l'année ; à ne pas "
        "comparer aux heures réalisées dans l'année, qui portent sur tous les marchés en cours)", "", PERIMETRE,
        ANNEE),
    "heures_realisees": Definition(
        "Heures d'insertion réalisées dans l'année", "heures d'insertion déclarées pour les mois de l'année sur les "
        "marchés du périmètre, quelle que soit leur année de notification", "", PERIMETRE,
        "du 1er janvier au 31 décembre", HEURES),
    "taux_realisation_heures": Definition(
        "Taux de réalisation des heures d'insertion", "heures réalisées sur ces marchés depuis leur début jusqu'à "
        "la date de référence", "les heures requises par les clauses d'insertion de ces mêmes marchés", REALISATION,
        "cumul depuis le début de chaque marché jusqu'à la date de référence (31 décembre de l'année, ou aujourd'hui "
        "pour l'année en cours)", HEURES),
    "rythme_realisation_heures": Definition(
        "Rythme de réalisation des heures d'insertion", "heures réalisées sur ces marchés jusqu'à la date de "
        "référence", "les heures attendues à cette date", REALISATION,
        "cumul depuis le début de chaque marché jusqu'à la date de référence (31 décembre de l'année, ou aujourd'hui "
        "pour l'année en cours)",
        "Heures attendues d'un marché : ses heures requises × la part écoulée de sa période d'exécution (début "
        "d'exécution, à défaut date de notification ; fin d'exécution, à défaut début + durée en mois) ; un marché "
        "sans date de fin ni durée n'a pas de rythme attendu et n'entre ni dans le numérateur ni dans le "
        "dénominateur. 100 % : les heures suivent le rythme prévu"),
    "participants": Definition(
        "Personnes en insertion (distinctes)", "nombre de personnes distinctes ayant au moins une heure réalisée "
        "dans l'année (une ligne à 0 h ne compte personne)", "", PERIMETRE, "du 1er janvier au 31 décembre"),
    "cumul": Definition(
        "Cumul depuis la première année", "heures réalisées, personnes et entreprises distinctes", "", PERIMETRE,
        "de l'année de départ du cumul (par défaut la première année avec des heures) au 31 décembre de l'année",
        HEURES),
    # Companies and the ESS
    "entreprises": Definition(
        "Entreprises bénéficiaires (distinctes)", "nombre d'entreprises distinctes ayant déclaré au moins une heure "
        "(ou un montant sous-traité) dans l'année", "", PERIMETRE, "du 1er janvier au 31 décembre"),
    "entreprises_locales_part": Definition(
        "Part des entreprises implantées dans le département", "entreprises bénéficiaires dont le département est "
        "celui de l'acheteur", "les entreprises bénéficiaires de l'année", PERIMETRE, "du 1er janvier au 31 décembre"),
    "achats_siae_montant": Definition(
        "Achats auprès des SIAE (montant HT)", "pour chaque marché où une SIAE est titulaire, cotraitante ou "
        "sous-traitante déclarée : le montant propre de la structure s'il est connu ; à défaut le montant du marché "
        "pour un titulaire ou un cotraitant ; un sous-traitant sans montant déclaré compte pour 0 € (sa part est "
        "inconnue : le montant du marché la surestimerait), mais le marché est compté en nombre", "", PERIMETRE,
        ANNEE),
    "achats_siae_nombre": Definition(
        "Marchés attribués à des SIAE (nombre)", "nombre de marchés où une SIAE est titulaire, cotraitante ou "
        "sous-traitante déclarée", "", PERIMETRE, ANNEE),
    "achats_handicap_montant": Definition(
        "Achats auprès des EA et ESAT (montant HT)", "même règle que les achats auprès des SIAE, pour les "
        "entreprises adaptées et les ESAT", "", PERIMETRE, ANNEE),
    "achats_ess_montant": Definition(
        "Achats auprès des entreprises ESUS et de l'ESS (montant HT)", "même règle que les achats auprès des SIAE, "
        "pour les structures de l'ESS (ESUS, SIAE, EA, ESAT, GEIQ)", "", PERIMETRE, ANNEE),
    "achats_inclusifs_montant": Definition(
        "Achats auprès des SIAE, EA et ESAT (montant HT)", "somme des achats auprès des SIAE et des achats auprès "
        "des EA et ESAT (même règle)", "", PERIMETRE, ANNEE),
    "part_achats_inclusifs_montant": Definition(
        "Part des achats auprès des SIAE, EA et ESAT (en valeur)", "achats auprès des SIAE, EA et ESAT (montant HT)",
        "le montant HT des marchés notifiés du même périmètre", PERIMETRE, ANNEE),
    "part_achats_ess_montant": Definition(
        "Part des achats auprès de l'ESS (en valeur)", "achats auprès des structures de l'ESS (montant HT)",
        "le montant HT des marchés notifiés du même périmètre", PERIMETRE, ANNEE),
    # Breakdowns
    "heures_modalite": Definition(
        "Heures par modalité", "heures réalisées dans l'année par modalité de réalisation ; heures comptées "
        "(règles ci-dessus) et déclarées", "", PERIMETRE, "du 1er janvier au 31 décembre"),
    "heures_famille": Definition("Heures par famille d'achat", "heures réalisées dans l'année, par famille d'achat "
                                 "du marché", "", PERIMETRE, "du 1er janvier au 31 décembre"),
    "heures_entreprise": Definition("Heures par entreprise", "heures déclarées dans l'année par entreprise "
                                    "(formation non plafonnée) et personnes distinctes", "", PERIMETRE,
                                    "du 1er janvier au 31 décembre"),
    "heures_public": Definition("Personnes et heures par public éligible", "personnes distinctes ayant des heures "
                                "dans l'année et leurs heures déclarées, par public (une personne peut relever de "
                                f"plusieurs publics) ; {SECRET}", "", PERIMETRE, "du 1er janvier au 31 décembre"),
    "heures_commune": Definition("Personnes et heures par commune de résidence", "personnes distinctes ayant des "
                                 f"heures dans l'année et leurs heures déclarées, par commune ; {SECRET}", "",
                                 PERIMETRE, "du 1er janvier au 31 décembre"),
    "sorties": Definition("Sorties de l'année", "sorties enregistrées dans l'année (catégories DGEFP), et situation "
                          "à 6 mois, des personnes ayant travaillé sur les marchés du périmètre dans l'année ou "
                          f"l'année précédente ; {SECRET}", "", PERIMETRE, "date de sortie du 1er janvier au 31 décembre"),
    "marches_clause": Definition(
        "Marchés notifiés dans l'année avec une clause d'insertion", "par marché : heures réalisées jusqu'au 31 "
        "décembre de l'année", "ses heures requises (taux de réalisation du marché)", PERIMETRE, ANNEE),
    "tendance_heures": Definition("Heures par année", "heures réalisées, personnes et entreprises distinctes de "
                                  "chaque année (mêmes règles que l'année)", "", PERIMETRE, "par année civile"),
    "tendance_marches": Definition("Marchés notifiés par année", "marchés notifiés chaque année et parts avec une "
                                   "considération sociale, environnementale", "les marchés notifiés de la même "
                                   "année", PERIMETRE, "par année de notification"),
    # Examinations before launch (examens.selectors.examens_chiffres): two populations, each with its own
    # denominator — the consultations launched in the year, and the examinations decided in the year.
    "examens": Definition(
        "Examens des marchés avant lancement", "marchés examinés avant le lancement de leur consultation, clauses "
        "sociales proposées par le facilitateur et retenues par la DCP, motifs de non-retenue, délai de décision",
        "", PERIMETRE, f"{EXAMENS_LANCES} ; {EXAMENS_DECIDES}"),
    "examens_part_examines": Definition(
        "Part des marchés examinés avant leur lancement", "nombre de marchés dont l'examen a été décidé par la DCP "
        "au plus tard à la date de lancement de leur consultation", "les marchés du même périmètre dont la "
        "consultation a été lancée dans l'année", PERIMETRE, EXAMENS_LANCES),
    "examens_part_proposes": Definition(
        "Part des examens où une clause sociale a été proposée", "nombre d'examens où le facilitateur a proposé une "
        "clause sociale", "les examens décidés dans l'année, du même périmètre", PERIMETRE, EXAMENS_DECIDES),
    "examens_part_retenus": Definition(
        "Part des examens où une clause sociale a été retenue", "nombre d'examens où la DCP a retenu au moins une "
        "considération sociale (clause d'insertion, critère social ou marché réservé)", "les examens décidés dans "
        "l'année, du même périmètre", PERIMETRE, EXAMENS_DECIDES),
    "examens_motifs": Definition(
        "Motifs de non-retenue d'une clause sociale", "par motif codé (pas d'offre locale, montant trop faible, "
        "durée trop courte, raison technique, autre), nombre d'examens décidés sans considération sociale retenue",
        "", PERIMETRE, EXAMENS_DECIDES),
    "examens_delai_decision": Definition(
        "Délai de l'ouverture à la décision (jours)", "nombre moyen de jours entre l'ouverture de l'examen et la "
        "décision de la DCP (la médiane est donnée à côté)", "", PERIMETRE, EXAMENS_DECIDES),
}

# The charts of the dashboards and of the PDF (bilans.graphiques), by chart key → definition key.
DEFINITIONS_GRAPHIQUES = {
    "considerations": "considerations", "objectifs": "objectifs", "conformite": "conformite",
    "manquements": "conformite", "achats_structures": "achats_siae_montant", "tendance_heures": "tendance_heures",
    "tendance_marches": "tendance_marches", "heures_modalite": "heures_modalite", "heures_famille": "heures_famille",
    "heures_entreprise": "heures_entreprise", "heures_public": "heures_public", "heures_commune": "heures_commune",
    "sorties": "sorties", "marches_clause": "marches_clause",
}


def definition(cle: str) -> Definition | None:
    return DEFINITIONS.get(cle)


def texte(cle: str) -> str:
    d = DEFINITIONS.get(cle)
    return d.texte if d else ""


def chiffres_cles(data) -> list[dict]:
    """The key figures of a dashboard and of the PDF's summary (an engine result, bilans.resultats.Indicateurs),
    formatted, each with its definition."""
    annee, cumul, r, o = data.annee, data.cumul, data.realisation, data.objectifs

    def cible(objectif):
        return f"{format_pourcent(objectif.cible, 0)}, {objectif.cible_libelle}"

    def marches(n):
        return f"{'le' if n == 1 else 'les'} {format_nombre(n)} marché{'' if n == 1 else 's'}"

    def k(cle, valeur, libelle, definition=None):
        return {"cle": cle, "valeur": valeur, "libelle": libelle, "definition": texte(definition or cle)}

    n_clause = data.marches_clause_insertion.nombre
    return [
        k("heures_realisees", format_heures(data.heures_realisees), f"heures d'insertion réalisées en {annee}"),
        k("taux_realisation_heures", format_pourcent(r.taux),
          f"taux de réalisation : {format_heures(r.heures_realisees)} réalisées sur "
          f"{format_heures(r.heures_requises)} requises par {marches(r.marches)} à clause d'insertion "
          f"en cours d'exécution en {annee} (au {format_date(r.date_reference)})"),
        k("rythme_realisation_heures", format_pourcent(r.rythme),
          f"du rythme attendu : {format_heures(r.heures_realisees_rythme)} réalisées pour "
          f"{format_heures(r.heures_attendues)} attendues au {format_date(r.date_reference)}"
          + (f" ({compte(r.marches_sans_periode, 'marché')} sans période d'exécution non "
             f"compté{pluriel(r.marches_sans_periode)})"
             if r.marches_sans_periode else "")),
        k("heures_requises", format_heures(data.heures_requises),
          f"heures requises par {marches(n_clause)} notifié{'' if n_clause == 1 else 's'} en {annee} avec clause "
          "d'insertion"),
        k("participants", format_nombre(data.participants),
          f"personnes en insertion ({format_nombre(cumul.participants)} depuis {cumul.depuis})"),
        k("entreprises", format_nombre(data.entreprises),
          f"entreprises, dont {format_pourcent(data.entreprises_locales_part)} dans le département",
          "entreprises_locales_part"),
        k("marches_notifies_montant", format_nombre(data.marches_notifies.nombre),
          f"marchés notifiés pour {format_euros(data.marches_notifies.montant_ht)} HT"),
        k("objectif_sociale", format_pourcent(o.sociale.part),
          f"avec une considération sociale (cible {cible(o.sociale)})", "objectifs"),
        k("objectif_environnementale", format_pourcent(o.environnementale.part),
          f"avec une considération environnementale (cible {cible(o.environnementale)})", "objectifs"),
        k("cumul", format_heures(cumul.heures_realisees), f"heures réalisées depuis {cumul.depuis}"),
        *_chiffres_examens(data),
    ]


def _chiffres_examens(data) -> list[dict]:
    """The examinations' key figures (none when the engine did not provide them)."""
    e = getattr(data, "examens", None)
    if e is None:
        return []
    motifs = ", ".join(f"{ligne.libelle.lower()} : {format_nombre(ligne.nombre)}" for ligne in e.motifs if ligne.nombre)
    delai = f"{format_nombre(e.delai_moyen_jours, 1)} jours" if e.delai_moyen_jours is not None else "—"
    return [
        {"cle": "examens_part_examines", "valeur": format_pourcent(e.part_examines),
         "libelle": f"des {format_nombre(e.lances)} marchés lancés en {e.annee} examinés avant leur lancement",
         "definition": texte("examens_part_examines")},
        {"cle": "examens_part_retenus", "valeur": format_pourcent(e.part_retenus),
         "libelle": f"des {format_nombre(e.decides)} examens décidés en {e.annee} retiennent une clause sociale "
                    f"(proposée dans {format_pourcent(e.part_proposes)} ; délai moyen de décision : {delai}"
                    + (f" ; motifs de non-retenue — {motifs}" if motifs else "") + ")",
         "definition": " ".join(texte(cle) for cle in ("examens_part_retenus", "examens_part_proposes",
                                                       "examens_delai_decision", "examens_motifs"))},
    ]
