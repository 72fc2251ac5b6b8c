"""The contract register as a spreadsheet: the same columns for export and import, so a buyer can
export, edit in a spreadsheet and import back. Clause columns come from clauses.register."""

from itertools import islice

from clauses import register as clauses_register

from .decp_labels import considerations_environnementales, considerations_sociales

BASE_COLUMNS = [
    "acheteur_siret", "id", "objet", "famille", "code_cpv", "nature", "procedure", "montant_ht", "date_lancement",
    "date_notification", "duree_mois", "lieu_code_postal", "titulaires_sirets", "considerations_sociales",
    "considerations_environnementales",
]
COLUMNS = BASE_COLUMNS + list(clauses_register.COLUMNS)
# Read-only columns the list export adds after the register's (ignored by the import).
LIST_EXTRA_COLUMNS = ["acheteur", "direction", "titulaires", "conformite", "manquements"]
LIST_SEP = "|"


def _row(marche, clause_values) -> dict:
    titulaires = getattr(marche, "titulaires_list", None)
    if titulaires is None:
        titulaires = [a for a in marche.attributions.all() if a.role == "titulaire"]
    row = {
        "acheteur_siret": marche.acheteur.siret,
        "id": marche.identifiant,
        "objet": marche.objet,
        "famille": marche.famille.nom if marche.famille_id else "",
        "code_cpv": marche.code_cpv,
        "nature": marche.nature,
        "procedure": marche.procedure,
        "montant_ht": marche.montant_ht,
        "date_lancement": marche.date_lancement,
        "date_notification": marche.date_notification,
        "duree_mois": marche.duree_mois,
        "lieu_code_postal": marche.lieu_code if marche.lieu_type_code in ("", "Code postal") else "",
        "titulaires_sirets": LIST_SEP.join(a.entreprise.siret for a in titulaires),
        "considerations_sociales": LIST_SEP.join(considerations_sociales(marche)),
        "considerations_environnementales": LIST_SEP.join(considerations_environnementales(marche)),
        "acheteur": marche.acheteur.nom,
        "direction": str(marche.direction) if marche.direction_id else "",
        "titulaires": LIST_SEP.join(a.entreprise.nom or a.entreprise.siret for a in titulaires),
        "conformite": marche.get_statut_conformite_display(),
        "manquements": LIST_SEP.join(marche.manquements or []),
    }
    row.update({c: "" for c in clauses_register.COLUMNS})
    row.update(clause_values.get(marche.pk, {}))
    return row


def rows(queryset, chunk_size: int = 1000):
    """Register rows of a queryset (with titulaires prefetched), chunk by chunk: a fixed number of
    queries per thousand contracts."""
    iterator = queryset.iterator(chunk_size=chunk_size)
    while True:
        chunk = list(islice(iterator, chunk_size))
        if not chunk:
            return
        clause_values = clauses_register.export_values([m.pk for m in chunk])
        for marche in chunk:
            yield _row(marche, clause_values)
