from django.contrib import messages
from django.shortcuts import redirect, render

from core.enums import Role
from core.mixins import role_required
from core.perms import ALL_ROLES

from . import selectors, services
from .forms import PreferencesForm


@role_required(*ALL_ROLES, Role.ENTREPRISE)
def preferences(request):
    """Each user turns each kind of e-mail it may receive on or off."""
    form = PreferencesForm(request.POST or None, user=request.user, actuelles=selectors.preferences_de(request.user))
    if request.method == "POST" and form.is_valid():
        services.preferences_enregistrer(user=request.user, choix=form.cleaned_data)
        messages.success(request, "Vos préférences de courriels sont enregistrées.")
        return redirect("relances:preferences")
    return render(request, "relances/preferences.html", {"form": form})
