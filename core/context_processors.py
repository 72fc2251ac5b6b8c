from django.conf import settings

from .accessibilite import AUDIT_ACCESSIBILITE
from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": menu_for(user) if user is not None and user.is_authenticated else [],
        "instance_name": settings.SPASER["INSTANCE_NAME"],
        "demo_mode": getattr(settings, "DEMO", False),
        "accessibilite_etat": AUDIT_ACCESSIBILITE["etat"],  # the footer's link to the accessibility statement
    }
