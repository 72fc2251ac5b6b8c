"""Demo data of the companies' side (after demo.insertion.seed): the contact `entreprise` / `demo` of a company
holding running clause contracts, with some months declared and validated, one declaration waiting for the
facilitator and one sent back with a reason. Writes go through declarations.services (the same rules as the
application: plausibility, proofs sniffed, validation into the month's hours).

Idempotent: once the contact exists, nothing is added."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from clauses.enums import TypeClause
from clauses.models import ClauseMarche
from core.enums import Role
from core.models import User
from core.services import user_enregistrer
from declarations import services
from declarations.models import ContactEntreprise
from facilitateurs.enums import Modalite
from facilitateurs.models import MiseEnEmploi
from facilitateurs.services import HeuresSaisies, add_months, heures_anomalies, premier_du_mois
from marches.models import Attribution, Entreprise, Marche

USERNAME = "entreprise"
PDF_DEMO = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _marches_en_cours(today):
    clause = Exists(ClauseMarche.objects.filter(marche=OuterRef("pk"), type_clause=TypeClause.INSERTION,
                                                heures_requises__gt=0))
    return Marche.objects.filter(clause, date_debut__lte=add_months(today, -5)).filter(
        Q(date_fin__isnull=True) | Q(date_fin__gte=today))


def _entreprise(today):
    """The company holding the most running clause contracts (ties: the oldest id)."""
    marches = _marches_en_cours(today)
    row = (Attribution.objects.filter(marche__in=marches).values("entreprise_id")
           .annotate(n=Count("marche", distinct=True)).order_by("-n", "entreprise_id").first())
    return Entreprise.objects.get(pk=row["entreprise_id"]) if row else None


def _lignes(marche, entreprise, mois, heures):
    """A line per person placed with the company on the contract that month (within the plausibility rules), and
    an amount sub-contracted to an SIAE."""
    fin = add_months(mois, 1) - datetime.timedelta(days=1)
    lignes = []
    for mise in (MiseEnEmploi.objects.filter(marche=marche, entreprise=entreprise, date_debut__lte=fin)
                 .exclude(date_fin__lt=mois).exclude(modalite__in=(Modalite.SOUS_TRAITANCE_SIAE,
                                                                   Modalite.CO_TRAITANCE_SIAE))
                 .select_related("participant").order_by("pk")[:2]):
        saisie = HeuresSaisies(marche_id=marche.pk, participant_id=mise.participant_id, entreprise_id=entreprise.pk,
                               mois=mois, modalite=mise.modalite, heures=heures)
        if not heures_anomalies([saisie]):
            lignes.append({"participant": mise.participant, "personne_proposee": "", "modalite": mise.modalite,
                           "type_contrat": mise.type_contrat, "heures": heures, "montant_ht": None})
    lignes.append({"participant": None, "personne_proposee": "", "modalite": Modalite.SOUS_TRAITANCE_SIAE,
                   "type_contrat": "", "heures": None, "montant_ht": Decimal("1500")})
    return lignes


def seed(stdout=None):
    if ContactEntreprise.objects.filter(user__username=USERNAME).exists():
        if stdout:
            stdout.write("Entreprises : déjà chargées.")
        return
    today = timezone.localdate()
    entreprise = _entreprise(today)
    if entreprise is None:
        if stdout:
            stdout.write("Entreprises : aucun marché à clause en cours, pas de contact de démonstration.")
        return
    facilitateur = User.objects.filter(username="facilitateur").first()
    user = User(username=USERNAME, first_name="Camille", last_name="Durand", email="entreprise@demo.invalid",
                role=Role.ENTREPRISE)
    user_enregistrer(target=user, user=facilitateur, password="demo")
    ContactEntreprise.objects.create(user=user, entreprise=entreprise, invite_par=facilitateur,
                                     invite_le=timezone.now())
    marche = _marches_en_cours(today).filter(attributions__entreprise=entreprise).order_by("pk").first()
    mois_courant = premier_du_mois(today)
    plan = [(-4, "validee"), (-3, "validee"), (-2, "renvoyee"), (-1, "en_attente")]
    for decalage, etat in plan:
        mois = add_months(mois_courant, decalage)
        declaration = services.declaration_deposer(
            marche=marche, entreprise=entreprise, mois=mois, auteur=user, today=today,
            lignes=_lignes(marche, entreprise, mois, Decimal("35")),
            justificatifs=[SimpleUploadedFile(f"justificatifs-{mois:%Y-%m}.pdf", PDF_DEMO)],
            commentaire="Bulletins de paie et facture de la SIAE joints.")
        if etat == "validee":
            services.declaration_valider(declaration=declaration, auteur=facilitateur)
        elif etat == "renvoyee":
            services.declaration_renvoyer(declaration=declaration, auteur=facilitateur,
                                          motif="La facture de la SIAE ne porte pas le numéro du marché : "
                                                "joignez la facture complète.")
    if stdout:
        stdout.write(f"Entreprises : contact « {USERNAME} » de {entreprise} ({marche.identifiant}), 4 déclarations.")
