from django.core.exceptions import PermissionDenied

from .perms import has_role


class RoleRequiredMixin:
    """Refuse (403) any authenticated user whose role is not in `roles`. Anonymous users never get here:
    LoginRequiredMiddleware sends them to the login page first."""

    roles: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        if not has_role(request.user, *self.roles):
            raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
        return super().dispatch(request, *args, **kwargs)


def role_required(*roles):
    def decorator(view):
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator
