"""The clause library's writes (families, model clauses, self-diagnosis) and the pure rules of a clause on a
contract: the insertion-hours formula and the rendering of its text, here and only here.

Writing a clause on a contract changes the contract (its considerations, its compliance): those writes live
in `marches.services` (clause_marche_enregistrer, clause_marche_supprimer, clause_insertion_enregistrer), which call the
pure functions below and `marches.etat`. This app's business modules never import `marches`: the
dependency goes one way, marches -> clauses."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from core.services import auteur_noter

from .enums import ModeCalculHeures, TypeClause
from .models import (
    ClauseMarche,
    ClauseModele,
    ClauseModeleVersion,
    Diagnostic,
    DiagnosticReponse,
    FamilleAchat,
)
from .textes import placeholders_inconnus, texte_rendu, valeurs_formatees

RESERVATIONS = {
    TypeClause.RESERVE_EA_ESAT: "EA_ESAT",
    TypeClause.RESERVE_SIAE: "SIAE",
    TypeClause.RESERVE_ESS: "ESS",
}


def heures_requises_calculer(
    *,
    montant_ht: Decimal | None,
    part_main_oeuvre: Decimal | None = None,
    taux_insertion: Decimal | None = None,
    cout_horaire: Decimal | None = None,
    mode: str = ModeCalculHeures.TAUX,
    euros_par_heure: Decimal | None = None,
) -> Decimal:
    """montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire (or montant ÷ € per hour),
    rounded to the hour. 1 000 000 € × 0.5 × 0.05 ÷ 30 €/h = 833 h."""
    if not montant_ht:
        return Decimal("0")
    montant = Decimal(montant_ht)
    if mode == ModeCalculHeures.FORFAIT:
        if not euros_par_heure:
            return Decimal("0")
        heures = montant / Decimal(euros_par_heure)
    else:
        if not (part_main_oeuvre and taux_insertion and cout_horaire):
            return Decimal("0")
        heures = montant * Decimal(part_main_oeuvre) * Decimal(taux_insertion) / Decimal(cout_horaire)
    return heures.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def clause_parametres_effectifs(clause: ClauseMarche) -> dict:
    """The parameters used for the hours: the clause's own values, else its contract's family defaults."""
    marche = clause.marche if clause.marche_id or ClauseMarche.marche.is_cached(clause) else None
    famille = marche.famille if marche is not None and marche.famille_id else None
    montant = clause.montant_base_ht
    if montant is None:
        montant = clause.lot.montant_ht if clause.lot_id and clause.lot.montant_ht is not None else (
            marche.montant_ht if marche is not None else None)
    return {
        "montant_ht": montant,
        "part_main_oeuvre": clause.part_main_oeuvre if clause.part_main_oeuvre is not None
        else (famille.part_main_oeuvre if famille else None),
        "taux_insertion": clause.taux_insertion if clause.taux_insertion is not None
        else (famille.taux_insertion if famille else None),
        "cout_horaire": clause.cout_horaire if clause.cout_horaire is not None
        else (famille.cout_horaire if famille else None),
        "mode": clause.mode_calcul,
        "euros_par_heure": clause.euros_par_heure,
    }


def clause_heures_actualiser(clause: ClauseMarche) -> Decimal:
    """Set `heures_requises`: the forced value when one is given, otherwise the formula."""
    if clause.type_clause != TypeClause.INSERTION:
        clause.heures_requises = Decimal("0")
    elif clause.heures_forcees is not None:
        clause.heures_requises = Decimal(clause.heures_forcees)
    else:
        clause.heures_requises = heures_requises_calculer(**clause_parametres_effectifs(clause))
    return clause.heures_requises


def clause_texte_rendu(clause: ClauseMarche) -> str:
    """The clause's text: its model version's text with the placeholders replaced (French formats)."""
    if not clause.version_id:
        return clause.texte
    params = clause_parametres_effectifs(clause)
    marche = clause.marche
    delai = clause.delai or (f"{marche.duree_mois} mois" if marche.duree_mois else "")
    insertion = clause.type_clause == TypeClause.INSERTION
    valeurs = valeurs_formatees(
        montant_ht=params["montant_ht"],
        heures_requises=clause.heures_requises if insertion else None,
        taux_insertion=params["taux_insertion"], part_main_oeuvre=params["part_main_oeuvre"],
        cout_horaire=params["cout_horaire"], delai=delai,
        acheteur=marche.acheteur.nom if marche.acheteur_id else "", objet=marche.objet,
        lot=f"lot n° {clause.lot.numero}" if clause.lot_id else "",
    )
    return texte_rendu(clause.version.texte, valeurs)


def clause_calculer(clause: ClauseMarche) -> tuple:
    """Set the clause's hours and, when it follows a model clause's version, its rendered text (in memory).
    Returns (heures_requises, texte)."""
    clause_heures_actualiser(clause)
    if clause.version_id:
        clause.texte = clause_texte_rendu(clause)
    return clause.heures_requises, clause.texte


# --- Purchase families ---------------------------------------------------------------------------------

@transaction.atomic
def famille_enregistrer(*, famille: FamilleAchat, user=None, reason: str = "") -> FamilleAchat:
    famille.prefixes_cpv = [str(p).strip() for p in famille.prefixes_cpv or [] if str(p).strip()]
    auteur_noter(famille, user=user, reason=reason)
    famille.save()
    return famille


@transaction.atomic
def famille_archiver(*, famille: FamilleAchat, user=None, active: bool = False) -> FamilleAchat:
    famille.is_active = active
    auteur_noter(famille, user=user, reason="Réactivation" if active else "Archivage")
    famille.save(update_fields=["is_active"])
    return famille


# --- Clause library (clausier) ---------------------------------------------------------------------------

def clause_texte_verifier(texte: str) -> list[str]:
    """Error messages for a model clause's text (unknown placeholders)."""
    inconnus = placeholders_inconnus(texte)
    if not inconnus:
        return []
    from .textes import PLACEHOLDERS

    return [
        "Variable inconnue : " + ", ".join("{" + n + "}" for n in inconnus)
        + ". Variables possibles : " + ", ".join("{" + n + "}" for n in PLACEHOLDERS) + "."
    ]


@transaction.atomic
def clause_modele_creer(*, modele: ClauseModele, texte: str, familles=(), user=None) -> ClauseModele:
    errors = clause_texte_verifier(texte)
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError({"texte": errors})
    auteur_noter(modele, user=user, reason="Création")
    modele.save()
    modele.familles.set(familles)
    ClauseModeleVersion.objects.create(modele=modele, numero=1, texte=texte,
                                       created_by=user if getattr(user, "is_authenticated", False) else None)
    return modele


@transaction.atomic
def clause_modele_modifier(*, modele: ClauseModele, texte: str, familles=None, user=None, note: str = ""):
    """Save the model's fields; a changed text makes a new version (contracts keep the one they used).
    Returns (modele, new_version or None)."""
    errors = clause_texte_verifier(texte)
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError({"texte": errors})
    auteur_noter(modele, user=user, reason=note or "Modification")
    modele.save()
    if familles is not None:
        modele.familles.set(familles)
    courante = modele.versions.order_by("-numero").first()
    if courante is not None and courante.texte == texte:
        return modele, None
    version = ClauseModeleVersion.objects.create(
        modele=modele, numero=(courante.numero + 1) if courante else 1, texte=texte, note=note,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    return modele, version


@transaction.atomic
def clause_modele_archiver(*, modele: ClauseModele, user=None, active: bool = False) -> ClauseModele:
    modele.is_active = active
    auteur_noter(modele, user=user, reason="Réactivation" if active else "Archivage")
    modele.save(update_fields=["is_active"])
    return modele


# --- Self-diagnosis -------------------------------------------------------------------------------------------

@transaction.atomic
def diagnostic_enregistrer(*, famille: FamilleAchat, annee: int, notes: dict, commentaire: str = "", user=None):
    """notes: {question: note 0-3}. Creates or updates the family's diagnostic of that year."""
    diagnostic = Diagnostic.objects.filter(famille=famille, annee=annee).first()
    if diagnostic is None:
        diagnostic = Diagnostic(famille=famille, annee=annee,
                                created_by=user if getattr(user, "is_authenticated", False) else None)
    diagnostic.commentaire = commentaire
    auteur_noter(diagnostic, user=user)
    diagnostic.save()
    existing = {r.question_id: r for r in diagnostic.reponses.all()}
    for question, note in notes.items():
        note = int(note)
        if not 0 <= note <= 3:
            raise ValueError("Une note va de 0 à 3.")
        reponse = existing.get(question.pk)
        if reponse is None:
            reponse = DiagnosticReponse(diagnostic=diagnostic, question=question, note=note)
        elif reponse.note == note:
            continue
        reponse.note = note
        auteur_noter(reponse, user=user)
        reponse.save()
    return diagnostic
