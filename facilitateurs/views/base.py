"""What the facilitators' pages share: who may enter data, and the history shown to those allowed."""

from core.enums import Role
from core.history import historique_pour

F, ADM, P = Role.FACILITATEUR, Role.ADMIN, Role.PARTENAIRE
FACILITATION = (F, ADM)


def history_or_none(request, obj):
    return historique_pour(obj, request.user)
