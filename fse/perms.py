"""Who may read and enter the FSE+ data. Plain functions, checked server-side by every view.

- facilitateur, admin: every operation and participation, the entry/exit/6-month forms, the completeness page,
  the report with its exact values and the participant-level XLSX;
- elu, dcp: the report's aggregated indicator table only, cells of 1 or 2 people, and the cells that would give them back by
  subtraction, masked (« s », fse.indicateurs.masquer);
- partenaire: the aggregates of its own conventions' participants only (core.perms.restricted_organisation),
  masked the same way;
- acheteur, entreprise: nothing.
"""

from django.db.models import QuerySet

from core.enums import Role
from core.perms import has_role

from .models import OperationFSE

SAISIE = (Role.FACILITATEUR, Role.ADMIN)  # operations, participations (sensitive answers), completeness, XLSX
RAPPORT = (Role.FACILITATEUR, Role.ADMIN, Role.ELU, Role.DCP, Role.PARTENAIRE)


def voit_valeurs_exactes(user) -> bool:
    """Every figure as counted; other readers get them masked under 3 people (fse.indicateurs.masquer)."""
    return has_role(user, *SAISIE)


def peut_lire_rapport(user) -> bool:
    """A partner user without an organisation reads no report: it would otherwise read every partner's."""
    if not has_role(user, *RAPPORT):
        return False
    return not has_role(user, Role.PARTENAIRE) or user.organisation_id is not None


def operations_du_rapport(user) -> QuerySet:
    """The operations a reader may pick on the report: for a partner, those covering one of its conventions."""
    qs = OperationFSE.objects.order_by("-date_debut", "reference")
    if has_role(user, Role.PARTENAIRE):
        return qs.filter(conventions__partenaire_id=user.organisation_id).distinct()
    return qs
