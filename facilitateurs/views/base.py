"""What the facilitators' pages share: who may enter data, and the history shown to those allowed."""

from core.enums import Role
from core.history import history_for
from core.perms import can_see_history

F, ADM, P = Role.FACILITATEUR, Role.ADMIN, Role.PARTENAIRE
FACILITATION = (F, ADM)


def history_or_none(request, obj):
    return history_for(obj) if can_see_history(request.user) else None
