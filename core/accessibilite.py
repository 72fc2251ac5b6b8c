"""The accessibility audit behind the statement (RGAA 4.1 model, templates/core/accessibilite.html): when, how,
and what is still not accessible. Its state of conformity (`etat`) is also shown in every page's footer and in the
legal notice (core.context_processors: `accessibilite_etat`): change it here only."""

AUDIT_ACCESSIBILITE = {
    "date": "30 novembre 2026",
    "etat": "partiellement conforme",
    "methode": [
        "axe-core (règles WCAG 2.0 et 2.1, niveaux A et AA) exécuté dans Chromium sur chaque page de chaque "
        "profil (acheteur, direction de la commande publique, facilitateur, élu, partenaire, administrateur) "
        "et du site public, y compris les formulaires envoyés avec des erreurs ;",
        "contrôle de l'absence de défilement horizontal à 390 pixels de large ;",
        "parcours au clavier seul (connexion, filtre d'une liste, formulaire en erreur) et vérification de "
        "l'endroit où arrive le focus.",
    ],
    "non_accessible": [
        "Les bilans et le schéma public en PDF sont balisés automatiquement (PDF/UA) ; leur restitution par "
        "un lecteur d'écran n'a pas encore été vérifiée (critère 13.3).",
        "Sans JavaScript, les tableaux larges ne défilent pas dans leur propre cadre sur un écran de téléphone "
        "et certaines pages deviennent plus larges que l'écran (critère 10.11).",
        "Les pages d'administration technique (interface d'administration de Django) n'ont pas fait l'objet "
        "d'un audit manuel.",
        "Les critères qui demandent un contrôle humain (pertinence des intitulés, ordre de lecture, "
        "restitution par un lecteur d'écran) n'ont pas encore été audités par un expert RGAA.",
    ],
}
