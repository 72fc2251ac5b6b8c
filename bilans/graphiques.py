"""The charts of the dashboards and of the PDF, defined once from the engine's result (read by attribute): each chart is a table
(columns, rows) plus which columns are plotted. The same object feeds Chart.js (dashboard), the HTML
table under each chart, the XLSX export and the server-side SVG of the PDF. Counts only: no participant
is ever named."""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from core.templatetags.formats import format_euros, format_heures, format_nombre, format_pourcent

from .definitions import DEFINITIONS_GRAPHIQUES, texte
from .resultats import Indicateurs

FORMATTERS = {
    "texte": lambda v: "—" if v is None or v == "" else str(v),
    "nombre": format_nombre,
    "euros": format_euros,
    "heures": format_heures,
    "pourcent": format_pourcent,
}


@dataclass
class Colonne:
    titre: str
    format: str = "nombre"  # texte, nombre, euros, heures, pourcent


@dataclass
class Graphique:
    key: str
    titre: str
    type: str  # barres (horizontal), colonnes (vertical, by year), ligne
    colonnes: list[Colonne]
    lignes: list[list] = field(default_factory=list)
    series: list[int] = field(default_factory=lambda: [1])  # indexes of the plotted columns
    note: str = ""
    pointilles: list[int] = field(default_factory=list)  # plotted columns drawn dashed (a target line)

    @property
    def definition(self) -> str:
        """The chart's written definition (bilans.definitions), shown next to it everywhere."""
        return texte(DEFINITIONS_GRAPHIQUES.get(self.key, self.key))

    @property
    def entier(self) -> bool:
        """Whether the value axis counts things (people, contracts, hours): graduated by whole numbers."""
        return all(self.colonnes[i].format in ("nombre", "heures") for i in self.series)

    @property
    def vide(self) -> bool:
        return not self.lignes or all(not any(_num(v) for v in ligne[1:]) for ligne in self.lignes)

    @property
    def hauteur_ecran(self) -> int:
        """Height in px of the chart on screen: bars grow with their rows and their wrapped labels."""
        if self.type != "barres":
            return 260
        total = 0
        for ligne in self.lignes:
            lignes_libelle = max(1, math.ceil(len(str(ligne[0])) / 22))
            total += max(len(self.series) * 18, lignes_libelle * 15) + 8
        return max(180, total + 60)

    def lignes_formatees(self) -> list[list[str]]:
        return [[FORMATTERS[c.format](v) for c, v in zip(self.colonnes, ligne, strict=False)] for ligne in self.lignes]

    def chartjs(self) -> dict:
        """Data for Chart.js: labels and one dataset per plotted column (shares in %)."""
        datasets = []
        for index in self.series:
            colonne = self.colonnes[index]
            facteur = 100 if colonne.format == "pourcent" else 1
            datasets.append({"label": colonne.titre + (" (%)" if facteur == 100 else ""), "format": colonne.format,
                             "pointilles": index in self.pointilles,
                             "data": [None if ligne[index] is None else round(float(ligne[index]) * facteur, 2)
                                      for ligne in self.lignes]})
        return {"key": self.key, "type": self.type, "labels": [str(ligne[0]) for ligne in self.lignes],
                "datasets": datasets, "entier": self.entier}


def graduations(maximum, *, entier: bool = False, n: int = 4) -> list:
    """Round graduations from 0 covering `maximum` in about n steps of 1, 2, 2.5 or 5 × 10^k; with `entier`
    the step is a whole number (a count axis never reads 0,5 person)."""
    maximum = float(maximum or 0)
    if maximum <= 0:
        return [0, 1]
    brut = maximum / n
    puissance = 10 ** math.floor(math.log10(brut))
    multiples = (1, 2, 5, 10) if entier else (1, 2, 2.5, 5, 10)
    pas = next(m * puissance for m in multiples if m * puissance >= brut * (1 - 1e-9))
    if entier:
        pas = max(1, round(pas))
    return [round(i * pas, 10) if not entier else int(i * pas) for i in range(math.ceil(maximum / pas - 1e-9) + 1)]


def _num(value):
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, int | float | Decimal):
        return value
    return 0


def graphiques(data: Indicateurs) -> list[Graphique]:
    """All the charts for one engine result (the breakdowns' charts only with details)."""
    annee = data.annee
    result = []
    c = data.considerations
    result.append(Graphique(
        "considerations", f"Marchés notifiés en {annee} et leurs considérations sociales et environnementales",
        "barres", [Colonne("Marchés", "texte"), Colonne("Nombre"), Colonne("Montant HT", "euros")],
        [
            ["Marchés notifiés", data.marches_notifies.nombre, data.marches_notifies.montant_ht],
            ["Avec une considération sociale", data.marches_consideration_sociale.nombre,
             data.marches_consideration_sociale.montant_ht],
            ["— dont clause sociale", c.clause_sociale.nombre, c.clause_sociale.montant_ht],
            ["— dont critère social", c.critere_social.nombre, c.critere_social.montant_ht],
            ["— dont marché réservé", c.marche_reserve.nombre, c.marche_reserve.montant_ht],
            ["Avec une clause d'insertion", data.marches_clause_insertion.nombre,
             data.marches_clause_insertion.montant_ht],
            ["Avec une considération environnementale", data.marches_consideration_environnementale.nombre,
             data.marches_consideration_environnementale.montant_ht],
            ["— dont clause environnementale", c.clause_environnementale.nombre,
             c.clause_environnementale.montant_ht],
            ["— dont critère environnemental", c.critere_environnemental.nombre,
             c.critere_environnemental.montant_ht],
        ],
    ))
    objectifs = data.objectifs
    sources = {o.cible_libelle for _cle, o in objectifs.items()}
    result.append(Graphique(
        "objectifs", "Part des marchés notifiés face aux cibles" + (
            " nationales (PNAD)" if sources == {"cible nationale PNAD"} else " (SPASER adopté ou PNAD)"), "barres",
        [Colonne("Considération", "texte"), Colonne("Part des marchés", "pourcent"),
         Colonne("Part en valeur", "pourcent"), Colonne("Cible", "pourcent"), Colonne("Origine de la cible", "texte"),
         Colonne("Atteint", "texte")],
        [[libelle, o.part, o.part_montant, o.cible, o.cible_libelle, "oui" if o.atteint else "non"]
         for o, libelle in ((objectifs.sociale, "Sociale"), (objectifs.environnementale, "Environnementale"))],
        series=[1, 3],
    ))
    conf = data.conformite
    result.append(Graphique(
        "conformite", "Conformité aux obligations d'août 2026 (marchés notifiés dans l'année)", "barres",
        [Colonne("Statut", "texte"), Colonne("Nombre"), Colonne("Montant HT", "euros")],
        [["Conformes", conf.conforme.nombre, conf.conforme.montant_ht],
         ["Obligation manquante", conf.non_conforme.nombre, conf.non_conforme.montant_ht],
         ["Non soumis (avant le 21/08/2026 ou exclus)", conf.non_soumis.nombre,
          conf.non_soumis.montant_ht]],
    ))
    if conf.manquements:
        result.append(Graphique(
            "manquements", "Obligations manquantes", "barres", [Colonne("Manquement", "texte"), Colonne("Marchés")],
            [[m.manquement, m.nombre] for m in conf.manquements],
        ))
    result.append(Graphique(
        "achats_structures", f"Achats auprès des structures inclusives et de l'ESS (marchés notifiés en {annee})",
        "barres", [Colonne("Structures", "texte"), Colonne("Marchés"), Colonne("Montant HT", "euros")],
        [["SIAE (EI, ETTI, AI, ACI)", data.achats_siae.nombre, data.achats_siae.montant_ht],
         ["EA et ESAT", data.achats_ea_esat.nombre, data.achats_ea_esat.montant_ht],
         ["ESS (dont ESUS, SIAE, EA, ESAT, GEIQ)", data.achats_ess.nombre, data.achats_ess.montant_ht]],
        series=[2],
    ))
    if data.tendance is not None:
        result.append(Graphique(
            "tendance_heures", "Heures d'insertion réalisées par année", "colonnes",
            [Colonne("Année", "texte"), Colonne("Heures réalisées", "heures"), Colonne("Personnes"),
             Colonne("Entreprises")],
            [[t.annee, t.heures_realisees, t.participants, t.entreprises] for t in data.tendance],
        ))
        result.append(Graphique(
            "tendance_marches", "Marchés notifiés par année : part avec une considération sociale, environnementale",
            "ligne",
            [Colonne("Année", "texte"), Colonne("Marchés notifiés"), Colonne("Avec clause d'insertion"),
             Colonne("Part sociale", "pourcent"), Colonne("Part environnementale", "pourcent")],
            [[t.annee, t.marches_notifies, t.marches_clause_insertion, t.part_sociale,
              t.part_environnementale] for t in data.tendance],
            series=[3, 4],
        ))
    if data.details:
        result.append(Graphique(
            "heures_modalite", f"Heures réalisées en {annee} par modalité", "barres",
            [Colonne("Modalité", "texte"), Colonne("Heures comptées", "heures"),
             Colonne("Heures déclarées", "heures"), Colonne("Personnes")],
            [[r.libelle, r.heures, r.heures_declarees, r.participants] for r in data.heures_par_modalite],
            note="Sous-traitance convertie en heures ; formation plafonnée (réglages de l'instance).",
        ))
        result.append(Graphique(
            "heures_famille", f"Heures réalisées en {annee} par famille d'achat", "barres",
            [Colonne("Famille d'achat", "texte"), Colonne("Heures", "heures")],
            [[r.famille, r.heures] for r in data.heures_par_famille],
        ))
        result.append(Graphique(
            "heures_entreprise", f"Heures réalisées en {annee} par entreprise (les {len(data.heures_par_entreprise)} "
                                 "premières)", "barres",
            [Colonne("Entreprise", "texte"), Colonne("Heures déclarées", "heures"), Colonne("Personnes"),
             Colonne("Dans le département", "texte"), Colonne("Type", "texte")],
            [[r.entreprise, r.heures, r.participants, "oui" if r.locale else "non", r.type_structure]
             for r in data.heures_par_entreprise],
        ))
        result.append(Graphique(
            "heures_public", f"Personnes et heures en {annee} par public éligible", "barres",
            [Colonne("Public", "texte"), Colonne("Personnes"), Colonne("Heures déclarées", "heures")],
            [[r.libelle, r.participants, r.heures] for r in data.heures_par_public],
            note="Une personne peut relever de plusieurs publics.",
        ))
        result.append(Graphique(
            "heures_commune", f"Personnes et heures en {annee} par commune de résidence", "barres",
            [Colonne("Commune", "texte"), Colonne("Personnes"), Colonne("Heures déclarées", "heures")],
            [[r.commune, r.participants, r.heures] for r in data.heures_par_commune], series=[2],
        ))
        result.append(Graphique(
            "sorties", f"Sorties de l'année {annee} (catégories DGEFP)", "barres",
            [Colonne("Catégorie", "texte"), Colonne("À la sortie"), Colonne("À 6 mois")],
            [[r.libelle.split(" (")[0], r.nombre, r.a_6_mois] for r in data.sorties.par_categorie],
            series=[1, 2],
        ))
        result.append(Graphique(
            "marches_clause", f"Marchés notifiés en {annee} avec une clause d'insertion : heures requises et réalisées",
            "barres",
            [Colonne("Marché", "texte"), Colonne("Heures requises", "heures"),
             Colonne("Heures réalisées (fin d'année)", "heures"), Colonne("Taux de réalisation", "pourcent"),
             Colonne("Montant HT", "euros")],
            [[f"{r.identifiant} — {r.objet}", r.heures_requises, r.heures_realisees,
              r.taux_realisation, r.montant_ht] for r in data.marches_clause_liste],
            series=[1, 2],
        ))
    return result
