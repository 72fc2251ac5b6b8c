"""The clause advisor's facts, read from the database: a contract's situation (its family, value, EU threshold
in force at launch, the clauses it already has, the buyer's past contracts of the family) handed to the pure
rules of `clauses.advisor`. It lives here because it reads contracts and their compliance rules: the clauses
app's business modules never import marches (marches depends on clauses)."""

import datetime
from decimal import Decimal

from django.db.models import Avg, Count, Q

from clauses.advisor import Historique, Recommandation, Situation, regles
from clauses.enums import TypeClause
from clauses.selectors import clauses_modeles_pour, famille_pour_cpv

from .compliance import date_reference, seuil_en_vigueur, type_seuil_pour
from .etat import seuils_charger
from .models import Marche, SeuilEuropeen


def _seuil(marche, date):
    """The EU threshold in force at launch, with this app's own rules (marches.compliance)."""
    type_seuil = type_seuil_pour(marche)
    seuils = [s for s in seuils_charger() if s["type_seuil"] == type_seuil]
    montant = seuil_en_vigueur(seuils, type_seuil, date)
    if montant is None:
        return None, ""
    periode = next((f"{s['date_debut']:%Y}–{s['date_fin']:%Y}" for s in seuils
                    if s["date_debut"] <= date <= s["date_fin"]), "")
    return montant, f"{SeuilEuropeen.TypeSeuil(type_seuil).label.lower()} {periode}".strip()


def historique_pour(*, acheteur_id, famille_id, exclure_pk=None) -> Historique:
    """What past contracts of the buyer in the family tell: bids received with and without a social clause."""
    if not (acheteur_id and famille_id):
        return Historique()
    qs = Marche.objects.filter(acheteur_id=acheteur_id, famille_id=famille_id)
    if exclure_pk:
        qs = qs.exclude(pk=exclure_pk)
    avec = Q(clause_sociale=True)
    offres = Q(offres_recues__isnull=False)
    agg = qs.aggregate(
        nb=Count("id"), nb_avec=Count("id", filter=avec),
        offres_avec=Avg("offres_recues", filter=avec & offres),
        nb_avec_offres=Count("id", filter=avec & offres),
        offres_sans=Avg("offres_recues", filter=~avec & offres),
        nb_sans_offres=Count("id", filter=~avec & offres),
    )
    dec = lambda v: Decimal(str(round(v, 2))) if v is not None else None  # noqa: E731
    return Historique(nb_marches=agg["nb"], nb_avec_clause=agg["nb_avec"], offres_avec=dec(agg["offres_avec"]),
                      nb_avec_offres=agg["nb_avec_offres"], offres_sans=dec(agg["offres_sans"]),
                      nb_sans_offres=agg["nb_sans_offres"])


def situation_pour(marche, *, today=None) -> Situation:
    famille = marche.famille if marche.famille_id else famille_pour_cpv(marche.code_cpv)
    montant = marche.valeur_estimee_ht if marche.valeur_estimee_ht is not None else marche.montant_ht
    travaux = type_seuil_pour(marche) == "travaux"
    date_lancement = date_reference(marche)  # launch date, else notification date, as the compliance rules
    seuil, seuil_libelle = _seuil(marche, date_lancement or today or datetime.date.today())
    types_presents = set(marche.clauses.values_list("type_clause", flat=True)) if marche.pk else set()
    modeles = {t: clauses_modeles_pour(type_clause=t, famille=famille) for t in TypeClause.values}
    return Situation(
        famille_nom=famille.nom if famille else "",
        part_main_oeuvre=famille.part_main_oeuvre if famille else None,
        taux_insertion=famille.taux_insertion if famille else None,
        cout_horaire=famille.cout_horaire if famille else None,
        reservation_conseillee=famille.reservation_conseillee if famille else "",
        montant=montant, date_lancement=date_lancement,
        montant_libelle="Valeur estimée" if marche.valeur_estimee_ht is not None else "Montant",
        defense=marche.nature == "Marché de défense ou de sécurité", travaux=travaux,
        seuil=seuil, seuil_libelle=seuil_libelle,
        historique=historique_pour(acheteur_id=marche.acheteur_id, famille_id=famille.pk if famille else None,
                                   exclure_pk=marche.pk),
        types_presents=types_presents, modeles=modeles,
    )


def recommandations(marche) -> list[Recommandation]:
    return regles(situation_pour(marche))
