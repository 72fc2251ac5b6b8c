from django.contrib import messages
from django.shortcuts import redirect, render

from core.mixins import role_required

from . import selectors, services
from .forms import PreferencesForm


@role_required(*(role for role, types in services.TYPES_DU_ROLE.items() if types))
def preferences(request):
    """Each user turns each kind of e-mail it may receive on or off."""
    # Not `request.POST or None`: every box unticked posts nothing, and that answer must be saved too.
    form = PreferencesForm(request.POST if request.method == "POST" else None, user=request.user,
                           actuelles=selectors.preferences_de(request.user))
    if request.method == "POST" and form.is_valid():
        services.preferences_enregistrer(user=request.user, choix=form.cleaned_data)
        messages.success(request, "Vos préférences de courriels sont enregistrées.")
        return redirect("relances:preferences")
    return render(request, "relances/preferences.html", {"form": form})
