from django.conf import settings

from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": menu_for(user) if user is not None and user.is_authenticated else [],
        "instance_name": settings.SPASER["INSTANCE_NAME"],
        "demo_mode": getattr(settings, "DEMO", False),
    }
