"""Writes of the examinations: open, give the facilitator's opinion, record the DCP's decision, record the
launch. Each is atomic, re-reads the examination under a row lock (two users acting at once cannot both pass
the same step) and records who, when and what in the history (django-simple-history).

The decision feeds the contract through the contract's own services: the clauses decided are created by
`marches.services.clause_marche_enregistrer` (hours computed or set as decided; the considerations and the
compliance follow through marches.etat), a waiver is recorded by `marches.services.marche_enregistrer`."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clauses.enums import TypeClause
from clauses.models import ClauseMarche
from core.services import auteur_noter
from marches.conseil import recommandations
from marches.etat import seuils_charger
from marches.services import clause_marche_enregistrer, marche_enregistrer

from .enums import MotifNonRetenu, StatutExamen, TypeAvis
from .models import Examen
from .questions import questions_pour
from .regles import (
    DECIDABLES,
    MOTIF_HEURES,
    MOTIF_VALEUR_ESTIMEE,
    conseil_suggere_sociale,
    derogation_requise,
    sociale_retenue,
)
from .selectors import modele_pour


def _verrouiller(examen: Examen) -> Examen:
    return Examen.objects.select_for_update(of=("self",)).select_related("marche__acheteur", "marche__famille").get(pk=examen.pk)


def _ecrire(examen: Examen, *, user, reason: str) -> Examen:
    auteur_noter(examen, user=user, reason=reason)
    examen.save()
    return examen


@transaction.atomic
def examen_creer(*, marche, user, date_lancement_prevue: datetime.date, questions: dict | None = None) -> Examen:
    """Open the examination of a contract before its launch, with the advisor's suggestion as it is now and the
    answers to the family's environmental and ESS questions. One examination per contract; a contract already
    notified is not examined any more."""
    if Examen.objects.filter(marche=marche).exists():
        raise ValidationError("Ce marché a déjà un examen : ouvrez-le depuis la liste des examens.")
    if marche.date_notification is not None:
        raise ValidationError("Ce marché est déjà notifié : l'examen se fait avant le lancement de la consultation.")
    if date_lancement_prevue is None:
        raise ValidationError({"date_lancement_prevue": "Indiquez la date de lancement prévue de la consultation."})
    codes = {q.code for q in questions_pour(marche.famille)}
    reponses = {code: valeur for code, valeur in (questions or {}).items() if code in codes and valeur}
    conseil = [r.as_dict() for r in recommandations(marche)]
    examen = Examen(marche=marche, date_lancement_prevue=date_lancement_prevue, ouvert_par=user,
                    ouvert_le=timezone.now(), conseil=conseil, conseil_clause_sociale=conseil_suggere_sociale(conseil),
                    questions=reponses, statut=StatutExamen.AVIS)
    return _ecrire(examen, user=user, reason="Examen ouvert")


@transaction.atomic
def examen_avis_enregistrer(*, examen: Examen, user, clause: bool, types=(), heures: Decimal | None = None,
                            contexte: str = "", motifs: str = "") -> Examen:
    """The facilitator's opinion: a social clause or not, which kinds (insertion hours with the hours proposed,
    reserved lot, criterion, SIAE sub-contracting), the local employment context, the reasons. It may be revised
    until the DCP decides."""
    examen = _verrouiller(examen)
    if examen.statut not in (StatutExamen.AVIS, StatutExamen.DECISION):
        raise ValidationError("La DCP a déjà décidé : l'avis ne peut plus être modifié.")
    types = [t for t in dict.fromkeys(types) if t in TypeAvis.values]
    erreurs = {}
    if clause:
        if not types:
            erreurs["types"] = "Indiquez au moins une modalité proposée."
        if TypeAvis.HEURES in types and (heures is None or heures <= 0):
            erreurs["heures"] = "Indiquez le nombre d'heures d'insertion proposées (plus de 0)."
    else:
        types, heures = [], None
        if not (motifs or "").strip():
            erreurs["motifs"] = "Expliquez pourquoi aucune clause sociale n'est proposée."
    if heures is not None and TypeAvis.HEURES not in types:
        heures = None
    if erreurs:
        raise ValidationError(erreurs)
    examen.avis_clause, examen.avis_types, examen.avis_heures = clause, types, heures
    examen.avis_contexte, examen.avis_motifs = (contexte or "").strip(), (motifs or "").strip()
    examen.avis_par, examen.avis_le, examen.statut = user, timezone.now(), StatutExamen.DECISION
    return _ecrire(examen, user=user, reason="Avis du facilitateur")


def _clause_decidee_appliquer(*, marche, type_clause: str, heures: Decimal | None, user) -> ClauseMarche:
    """Create (or update, for the insertion hours) the whole-contract clause of this kind through the contract's
    clause service."""
    clause = marche.clauses.filter(type_clause=type_clause, lot__isnull=True).first()
    if clause is None:
        modele = modele_pour(type_clause=type_clause, famille=marche.famille)
        version = modele.version_courante if modele is not None else None
        clause = ClauseMarche(marche=marche, type_clause=type_clause, version=version)
    elif type_clause != TypeClause.INSERTION or heures is None:
        return clause  # already on the contract: nothing to change
    clause.marche = marche
    if type_clause == TypeClause.INSERTION and heures is not None:
        clause.heures_forcees = heures
        clause.motif_derogation = MOTIF_HEURES
    elif type_clause == TypeClause.INSERTION and marche.montant_ht is None and marche.valeur_estimee_ht is not None:
        # Not notified yet: the formula runs on the estimated value, said as such (editable on the clause).
        clause.montant_base_ht = marche.valeur_estimee_ht
        clause.motif_derogation = MOTIF_VALEUR_ESTIMEE
    return clause_marche_enregistrer(clause=clause, user=user, reason="Clause décidée à l'examen avant lancement")


@transaction.atomic
def examen_decision_enregistrer(*, examen: Examen, user, types=(), heures: Decimal | None = None,
                                motif_non_retenu: str = "", derogation_justification: str = "",
                                commentaire: str = "") -> Examen:
    """The DCP's decision: the considerations the consultation will contain (created on the contract as
    clauses, with the insertion hours decided or, without them, computed by the family's formula), or, without
    a social consideration, the coded reason and — when L2112-2-1 applies — the written justification of the
    waiver (recorded on the contract)."""
    examen = _verrouiller(examen)
    if examen.statut != StatutExamen.DECISION:
        raise ValidationError("La décision suit l'avis du facilitateur et n'est prise qu'une fois."
                              if examen.statut == StatutExamen.AVIS else "Cet examen est déjà décidé.")
    marche = examen.marche
    types = [t for t in dict.fromkeys(types) if t in DECIDABLES]
    sociale = sociale_retenue(types)
    justification = (derogation_justification or "").strip()
    erreurs = {}
    if heures is not None and heures <= 0:
        erreurs["heures"] = "Les heures décidées doivent être supérieures à 0 (laissez vide pour les calculer)."
    if heures is not None and TypeClause.INSERTION not in types:
        erreurs["heures"] = "Des heures ne se décident qu'avec une clause d'insertion."
    if sociale:
        motif_non_retenu = ""
    elif motif_non_retenu not in MotifNonRetenu.values:
        erreurs["motif_non_retenu"] = "Sans considération sociale retenue, indiquez le motif."
    if TypeClause.INSERTION not in types and not justification and derogation_requise(
            marche, date_lancement=examen.date_lancement_prevue, seuils=seuils_charger()):
        erreurs["derogation_justification"] = (
            "La valeur du marché atteint le seuil européen : sans clause d'insertion, la dérogation doit être "
            "justifiée par écrit (L2112-2-1).")
    if erreurs:
        raise ValidationError(erreurs)
    for type_clause in types:
        _clause_decidee_appliquer(marche=marche, type_clause=type_clause,
                                  heures=heures if type_clause == TypeClause.INSERTION else None, user=user)
    if justification and TypeClause.INSERTION not in types:
        marche.refresh_from_db()
        marche.derogation_sociale, marche.derogation_justification = True, justification
        marche_enregistrer(marche=marche, user=user, reason="Dérogation décidée à l'examen avant lancement")
    examen.decision_types, examen.decision_heures = types, heures
    examen.sociale_retenue, examen.motif_non_retenu = sociale, motif_non_retenu
    examen.derogation_justification = justification if TypeClause.INSERTION not in types else ""
    examen.decision_commentaire = (commentaire or "").strip()
    examen.decide_par, examen.decide_le, examen.statut = user, timezone.now(), StatutExamen.LANCEMENT
    return _ecrire(examen, user=user, reason="Décision de la DCP")


@transaction.atomic
def examen_lancement_enregistrer(*, examen: Examen, user, date: datetime.date | None = None) -> Examen:
    """Record that the consultation was launched (on `date`, default today): the contract's launch date
    follows, through the contract's service."""
    examen = _verrouiller(examen)
    if examen.statut != StatutExamen.LANCEMENT:
        raise ValidationError("Le lancement s'enregistre après la décision de la DCP."
                              if examen.statut != StatutExamen.LANCE else "Le lancement est déjà enregistré.")
    today = timezone.localdate()
    date = date or today
    if date > today:
        raise ValidationError({"date": "La date de lancement ne peut pas être dans le futur."})
    if date < timezone.localtime(examen.decide_le).date():
        raise ValidationError({"date": "La consultation ne peut pas être lancée avant la décision de la DCP."})
    marche = examen.marche
    marche.refresh_from_db()
    marche.date_lancement = date
    marche_enregistrer(marche=marche, user=user, reason="Consultation lancée après examen")
    examen.lance_le, examen.lance_par, examen.statut = date, user, StatutExamen.LANCE
    return _ecrire(examen, user=user, reason="Consultation lancée")
