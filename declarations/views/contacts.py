"""Contacts of a company: the facilitator invites (one-time link to choose a password) or deactivates them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from core.enums import Role
from core.mixins import role_required
from marches.models import Entreprise

from .. import selectors, services
from ..forms import InvitationForm
from ..models import ContactEntreprise
from ..perms import VALIDATION


@role_required(*VALIDATION)
def entreprise_contacts(request, pk):
    entreprise = get_object_or_404(Entreprise, pk=pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_inviter(
                entreprise=entreprise, auteur=request.user, email=form.cleaned_data["email"],
                prenom=form.cleaned_data["prenom"], nom=form.cleaned_data["nom"],
                lien_pour=lambda uid, token: request.build_absolute_uri(
                    reverse("declarations:invitation", kwargs={"uidb64": uid, "token": token})))
        except ValidationError as exc:
            for champ, erreurs in exc.message_dict.items():
                for erreur in erreurs:
                    form.add_error(champ if champ in form.fields else None, erreur)
        else:
            messages.success(request, f"Invitation envoyée à {contact.user.email}.")
            return redirect("declarations:entreprise_contacts", pk=entreprise.pk)
    return render(request, "declarations/entreprise_contacts.html", {
        "entreprise": entreprise, "contacts": selectors.contacts_de(entreprise), "form": form,
        "marches": selectors.marches_de_l_entreprise(entreprise)[:50],
        "jours": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)})


@role_required(*VALIDATION)
@require_POST
def contact_desactiver(request, pk):
    contact = get_object_or_404(ContactEntreprise.objects.select_related("user", "entreprise"), pk=pk)
    services.contact_desactiver(contact=contact, auteur=request.user)
    messages.success(request, f"Le contact {contact.user.email} ne peut plus se connecter.")
    return redirect("declarations:entreprise_contacts", pk=contact.entreprise_id)


@method_decorator(login_not_required, name="dispatch")
class InvitationView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation: the contact chooses its password (Django's reset token: expires, and
    is spent once the password is set). Only an active contact of a company can use it."""

    template_name = "declarations/invitation.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or user.role != Role.ENTREPRISE or not user.is_active:
            return None
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Votre mot de passe est enregistré : connectez-vous avec votre adresse "
                                       "électronique.")
        return response
