"""Writes of the companies' side: invitations and contacts, declarations, their validation or return.
Each write is atomic and recorded by django-simple-history with its author (`auteur_noter`)."""

import datetime
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.enums import Role
from core.services import auteur_noter
from facilitateurs.models import HeuresMensuelles, MiseEnEmploi
from facilitateurs.selectors import MODALITES_EN_EUROS
from facilitateurs.services import (
    HeuresSaisies,
    heures_anomalies,
    heures_enregistrer,
    heures_libelle,
    heures_max_par_mois,
    heures_verifier,
    mise_en_emploi_enregistrer,
    mois_libelle,
    premier_du_mois,
)

from . import selectors
from .enums import StatutDeclaration
from .models import ContactEntreprise, Declaration, Justificatif, LigneDeclaration

User = get_user_model()

# Proofs: what the first bytes of the file say it is (never the name or the browser's type).
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


# Contacts ----------------------------------------------------------------------------------------

def invitation_jeton(user) -> tuple[str, str]:
    """(uidb64, token) of the one-time link to choose a password: Django's password-reset token, which expires
    after settings.PASSWORD_RESET_TIMEOUT and becomes invalid once the password is set (or the user logs in)."""
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def _invitation_envoyer(*, contact: ContactEntreprise, lien: str) -> None:
    contexte = {"contact": contact, "lien": lien, "instance_name": settings.SPASER["INSTANCE_NAME"],
                "jours": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}
    message = EmailMultiAlternatives(
        subject=f"[{contexte['instance_name']}] Votre accès pour déclarer les heures d'insertion",
        body=render_to_string("declarations/email/invitation.txt", contexte),
        to=[contact.user.email])
    message.attach_alternative(render_to_string("declarations/email/invitation.html", contexte), "text/html")
    message.send()


@transaction.atomic
def contact_inviter(*, entreprise, email: str, auteur, lien_pour: Callable[[str, str], str], prenom: str = "",
                    nom: str = "") -> ContactEntreprise:
    """Create (or reactivate) a contact of the company and e-mail it a one-time link to choose its password.
    `lien_pour(uidb64, token)` gives the link's absolute address. ValidationError when the address belongs to
    another company's contact or to a user of another role."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first() or User.objects.filter(username__iexact=email).first()
    if user is not None:
        contact = ContactEntreprise.objects.filter(user=user).first()
        if user.role != Role.ENTREPRISE or contact is None:
            raise ValidationError({"email": "Cette adresse est déjà celle d'un utilisateur de l'application."})
        if contact.entreprise_id != entreprise.pk:
            raise ValidationError({"email": "Cette adresse est déjà celle du contact d'une autre entreprise."})
    else:
        user = User(username=email, email=email, role=Role.ENTREPRISE)
        user.set_unusable_password()
        contact = ContactEntreprise(user=user, entreprise=entreprise)
    user.first_name, user.last_name = prenom.strip() or user.first_name, nom.strip() or user.last_name
    user.is_active = True
    auteur_noter(user, user=auteur, reason="Invitation d'un contact d'entreprise")
    user.full_clean(exclude=["password"])
    user.save()
    contact.user = user
    contact.invite_par = auteur
    contact.invite_le = timezone.now()
    auteur_noter(contact, user=auteur, reason="Invitation")
    contact.save()
    uid, token = invitation_jeton(user)
    lien = lien_pour(uid, token)
    # After the commit; a mail server down is logged, never an error page (the facilitator can invite again).
    transaction.on_commit(lambda: _invitation_envoyer(contact=contact, lien=lien), robust=True)
    return contact


@transaction.atomic
def contact_desactiver(*, contact: ContactEntreprise, auteur) -> ContactEntreprise:
    """The contact can no longer log in (its declarations stay); inviting it again reactivates it."""
    user = contact.user
    user.is_active = False
    auteur_noter(user, user=auteur, reason="Contact d'entreprise désactivé")
    user.save(update_fields=["is_active"])
    return contact


# Proofs ------------------------------------------------------------------------------------------

def justificatif_taille_max_libelle() -> str:
    """settings.JUSTIFICATIF_TAILLE_MAX in words (« 5 Mo »): the form's help and the error say the same limit."""
    return f"{settings.JUSTIFICATIF_TAILLE_MAX // (1024 * 1024)} Mo"


def justificatif_type(fichier) -> tuple[str, str]:
    """(content type, extension) sniffed from the file's first bytes; ValidationError if it is not a PDF, a PNG
    or a JPEG, or is larger than settings.JUSTIFICATIF_TAILLE_MAX."""
    nom = getattr(fichier, "name", "fichier")
    if fichier.size > settings.JUSTIFICATIF_TAILLE_MAX:
        raise ValidationError(f"« {nom} » dépasse la taille maximale de {justificatif_taille_max_libelle()}.")
    if fichier.size == 0:
        raise ValidationError(f"« {nom} » est vide.")
    fichier.seek(0)
    debut = fichier.read(16)
    fichier.seek(0)
    for signature, type_contenu, extension in SIGNATURES:
        if debut.startswith(signature):
            return type_contenu, extension
    raise ValidationError(f"« {nom} » n'est ni un PDF ni une image (PNG, JPEG).")


def _justificatif_stocker(*, declaration: Declaration, fichier) -> Justificatif:
    type_contenu, extension = justificatif_type(fichier)
    fichier.seek(0)
    justificatif = Justificatif(declaration=declaration, nom=(getattr(fichier, "name", "") or "justificatif")[-255:],
                                type_contenu=type_contenu, taille=fichier.size)
    justificatif.fichier.save(f"{uuid.uuid4().hex}{extension}", ContentFile(fichier.read()), save=False)
    justificatif.save()
    return justificatif


# Declarations ------------------------------------------------------------------------------------

def _lignes_verifier(*, marche, entreprise, mois, lignes: list[dict]) -> list[str]:
    """What is wrong in the lines before anything is written (French messages)."""
    erreurs = []
    if not lignes:
        erreurs.append("Déclarez au moins une ligne (heures d'une personne ou montant sous-traité).")
    maximum = heures_max_par_mois()
    cles = set()
    autorises = set(selectors.participants_de(entreprise, marche).values_list("pk", flat=True))
    for numero, ligne in enumerate(lignes, start=1):
        participant, proposee = ligne.get("participant"), (ligne.get("personne_proposee") or "").strip()
        en_euros = ligne["modalite"] in MODALITES_EN_EUROS
        if en_euros:
            if ligne.get("montant_ht") is None:
                erreurs.append(f"Ligne {numero} : la sous-traitance ou co-traitance à une SIAE se déclare en euros "
                               "(montant HT).")
        else:
            if participant is None and not proposee:
                erreurs.append(f"Ligne {numero} : choisissez la personne ou proposez-en une nouvelle.")
            if ligne.get("heures") is None:
                erreurs.append(f"Ligne {numero} : indiquez les heures.")
            elif ligne["heures"] > maximum:
                erreurs.append(f"Ligne {numero} : {heures_libelle(ligne['heures'])} en {mois_libelle(mois)}, au plus "
                               f"{heures_libelle(maximum)} par personne et par mois.")
        if participant is not None and participant.pk not in autorises:
            erreurs.append(f"Ligne {numero} : cette personne n'est pas rattachée à votre entreprise sur ce marché.")
        cle = (participant.pk if participant else proposee.lower() if not en_euros else "", ligne["modalite"])
        if cle in cles:
            erreurs.append(f"Ligne {numero} : la même personne et la même modalité sont déjà déclarées.")
        cles.add(cle)
    if not erreurs:
        saisies = [HeuresSaisies(marche_id=marche.pk, participant_id=ligne["participant"].pk,
                                 entreprise_id=entreprise.pk, mois=mois, modalite=ligne["modalite"],
                                 heures=ligne.get("heures") or Decimal("0"))
                   for ligne in lignes if ligne.get("participant") is not None]
        erreurs.extend(a.message for a in heures_anomalies(saisies))
    return erreurs


@transaction.atomic
def declaration_deposer(*, marche, entreprise, mois: datetime.date, lignes: list[dict], justificatifs: list,
                        auteur, commentaire: str = "", today: datetime.date | None = None) -> Declaration:
    """A company declares a month of hours on one of its clause contracts, with at least one proof. ValidationError
    (nothing written) when the contract is not the company's, the month is outside its execution or not over yet,
    a declaration of that month is already waiting, or a line breaks the hours rules."""
    today = today or timezone.localdate()
    mois = premier_du_mois(mois)
    if selectors.marche_de_l_entreprise(entreprise, marche.pk) is None:
        raise ValidationError("Ce marché n'est pas l'un de ceux de votre entreprise.")
    if mois > premier_du_mois(today) or not selectors.marche_en_cours(marche, mois):
        raise ValidationError(f"On ne déclare que les mois écoulés de l'exécution du marché ({mois_libelle(mois)}).")
    if Declaration.objects.filter(marche=marche, entreprise=entreprise, mois=mois,
                                  statut=StatutDeclaration.EN_ATTENTE).exists():
        raise ValidationError(f"Une déclaration de {mois_libelle(mois)} attend déjà la validation du facilitateur.")
    erreurs = _lignes_verifier(marche=marche, entreprise=entreprise, mois=mois, lignes=lignes)
    if not justificatifs:
        erreurs.append("Joignez au moins un justificatif (bulletin de paie, contrat, facture de la SIAE).")
    for fichier in justificatifs:
        try:
            justificatif_type(fichier)
        except ValidationError as exc:
            erreurs.extend(exc.messages)
    if erreurs:
        raise ValidationError(erreurs)
    declaration = Declaration(marche=marche, entreprise=entreprise, mois=mois, declaree_par=auteur,
                              commentaire=commentaire.strip())
    auteur_noter(declaration, user=auteur, reason="Déclaration de l'entreprise")
    declaration.save()
    for ligne in lignes:
        en_euros = ligne["modalite"] in MODALITES_EN_EUROS
        LigneDeclaration.objects.create(
            declaration=declaration, participant=None if en_euros else ligne.get("participant"),
            personne_proposee="" if en_euros or ligne.get("participant") else ligne["personne_proposee"].strip(),
            modalite=ligne["modalite"], type_contrat="" if en_euros else ligne.get("type_contrat") or "",
            heures=None if en_euros else ligne.get("heures"), montant_ht=ligne.get("montant_ht") if en_euros else None)
    for fichier in justificatifs:
        _justificatif_stocker(declaration=declaration, fichier=fichier)
    return declaration


def _en_attente(declaration: Declaration) -> None:
    if declaration.statut != StatutDeclaration.EN_ATTENTE:
        raise ValidationError(f"Cette déclaration est déjà {declaration.get_statut_display().lower()} : un mois "
                              "validé ne se corrige que par une nouvelle déclaration de l'entreprise.")


@transaction.atomic
def declaration_valider(*, declaration: Declaration, auteur, participants: dict | None = None) -> Declaration:
    """The declared hours become the month's hours (facilitateurs.services.heures_enregistrer, same key rules:
    a row of the same contract, person, company, month and modality is replaced). `participants`:
    {line id: Participant} qualifying each new person the company proposed (required for each of them); the
    facilitator's placement (MiseEnEmploi) of that person with the company is created when missing. Lines of an
    earlier validated declaration of the same month that this one no longer carries are set to 0 h.
    ValidationError (nothing written) when a person is not qualified or the hours break the plausibility rules."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    _en_attente(declaration)
    participants = participants or {}
    lignes = list(selectors.lignes_de(declaration))
    mois, marche, entreprise = declaration.mois, declaration.marche, declaration.entreprise
    erreurs, resolues = [], []
    for numero, ligne in enumerate(lignes, start=1):
        participant = ligne.participant or participants.get(ligne.pk)
        if ligne.modalite not in MODALITES_EN_EUROS and participant is None:
            erreurs.append(f"Ligne {numero} : rattachez la personne proposée (« {ligne.personne_proposee} ») à un "
                           "participant avant de valider.")
        resolues.append((ligne, participant))
    if erreurs:
        raise ValidationError(erreurs)
    heures_verifier([HeuresSaisies(marche_id=marche.pk, participant_id=p.pk, entreprise_id=entreprise.pk, mois=mois,
                                   modalite=ligne.modalite, heures=ligne.heures or Decimal("0"))
                     for ligne, p in resolues if p is not None])
    ecrites = set()
    for ligne, participant in resolues:
        if participant is not None and ligne.participant_id is None:
            ligne.participant = participant
        if participant is not None and not MiseEnEmploi.objects.filter(
                participant=participant, entreprise=entreprise, marche=marche, modalite=ligne.modalite).exists():
            mise_en_emploi_enregistrer(mise=MiseEnEmploi(
                participant=participant, entreprise=entreprise, marche=marche, modalite=ligne.modalite,
                type_contrat=ligne.type_contrat or "AUTRE", date_debut=mois), user=auteur)
        row = heures_enregistrer(marche=marche, entreprise=entreprise, mois=mois, modalite=ligne.modalite,
                                 participant=participant, heures=ligne.heures, montant_ht=ligne.montant_ht,
                                 type_contrat=ligne.type_contrat, user=auteur)
        ligne.heures_mensuelles = row
        ligne.save(update_fields=["participant", "heures_mensuelles"])
        ecrites.add(row.pk)
    anciennes = (HeuresMensuelles.objects.filter(
        pk__in=LigneDeclaration.objects.filter(
            declaration__marche=marche, declaration__entreprise=entreprise, declaration__mois=mois,
            declaration__statut=StatutDeclaration.VALIDEE).values("heures_mensuelles_id"))
        .exclude(pk__in=ecrites))
    for row in anciennes:
        heures_enregistrer(marche=marche, entreprise=entreprise, mois=mois, modalite=row.modalite,
                           participant=row.participant, heures=Decimal("0"), montant_ht=None,
                           type_contrat=row.type_contrat, user=auteur)
    declaration.statut = StatutDeclaration.VALIDEE
    declaration.traitee_par, declaration.traitee_le = auteur, timezone.now()
    auteur_noter(declaration, user=auteur, reason="Validée par le facilitateur")
    declaration.save()
    return declaration


@transaction.atomic
def declaration_renvoyer(*, declaration: Declaration, auteur, motif: str) -> Declaration:
    """Send the declaration back to the company with a reason; nothing is written to the hours."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    _en_attente(declaration)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez à l'entreprise ce qu'il faut corriger."})
    declaration.statut = StatutDeclaration.RENVOYEE
    declaration.motif_renvoi = motif
    declaration.traitee_par, declaration.traitee_le = auteur, timezone.now()
    auteur_noter(declaration, user=auteur, reason="Renvoyée à l'entreprise")
    declaration.save()
    return declaration
