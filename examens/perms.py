"""Who may read and act on examinations. Plain functions, checked server-side by every view.

- acheteur: reads the examinations of their own direction's contracts, opens one on a contract they may edit
  (marches.perms.can_edit_marche) and records its launch;
- facilitateur: reads and gives an opinion on the examinations of the buyers they serve: the instance's own
  organisation (the Département) and the partners of a signed convention they are named on;
- dcp: reads every examination, opens one on any contract, decides, records the launch;
- elu: the aggregated figures only, never an examination;
- partenaire: reads its own organisation's examinations only (others: 404), never acts;
- admin: everything.
"""

from django.db.models import Exists, OuterRef, Q

from core.enums import Role, TypeOrganisation
from core.perms import has_role
from facilitateurs.enums import StatutConvention
from facilitateurs.models import Convention
from marches.perms import can_edit_marche

from .enums import StatutExamen
from .models import Examen

LECTEURS = (Role.ACHETEUR, Role.DCP, Role.FACILITATEUR, Role.PARTENAIRE, Role.ADMIN)
CHIFFRES = (Role.ACHETEUR, Role.DCP, Role.FACILITATEUR, Role.ELU, Role.ADMIN)
MATINALE = (Role.ACHETEUR, Role.DCP, Role.FACILITATEUR, Role.ELU, Role.ADMIN)
DECIDEURS = (Role.DCP, Role.ADMIN)


def acheteurs_servis(user) -> Q:
    """The condition on a contract (`marche__` paths from an examination) that its buyer is served by this
    facilitator: the instance's own organisation, or a partner of a signed convention naming them."""
    convention = Convention.objects.filter(partenaire=OuterRef("marche__acheteur"), statut=StatutConvention.SIGNEE,
                                           facilitateurs=user)
    return Q(marche__acheteur__type=TypeOrganisation.INSTANCE) | Q(Exists(convention))


def filtre_visibles(user) -> Q | None:
    """The examinations a user may read, as a condition (None: none at all)."""
    if has_role(user, Role.DCP, Role.ADMIN):
        return Q()
    if has_role(user, Role.ACHETEUR):
        return Q(marche__direction_id=user.direction_id) if user.direction_id else None
    if has_role(user, Role.FACILITATEUR):
        return acheteurs_servis(user)
    if has_role(user, Role.PARTENAIRE):
        return Q(marche__acheteur_id=user.organisation_id) if user.organisation_id else None
    return None


def can_open_examen(user, marche) -> bool:
    if not has_role(user, Role.ACHETEUR, Role.DCP, Role.ADMIN):
        return False
    if marche.acheteur.type == TypeOrganisation.OPEN_DATA:
        return False  # a buyer known only from open data: not ours to examine
    return can_edit_marche(user, marche)


def can_give_avis(user, examen) -> bool:
    if examen.statut not in (StatutExamen.AVIS, StatutExamen.DECISION):
        return False
    if has_role(user, Role.ADMIN):
        return True
    # The one definition of "served" (acheteurs_servis), the lists' own, checked on this examination.
    return has_role(user, Role.FACILITATEUR) and Examen.objects.filter(acheteurs_servis(user), pk=examen.pk).exists()


def can_decide(user, examen) -> bool:
    return examen.statut == StatutExamen.DECISION and has_role(user, *DECIDEURS)


def can_launch(user, examen) -> bool:
    return examen.statut == StatutExamen.LANCEMENT and has_role(user, Role.ACHETEUR, Role.DCP, Role.ADMIN) \
        and can_edit_marche(user, examen.marche)
