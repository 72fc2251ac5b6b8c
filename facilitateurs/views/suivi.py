"""The follow-up home (alerts of the day, progress of every insertion clause the user may follow) and one
contract's clause progress."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import cached_property

from core.mixins import role_required
from core.perms import ALL_ROLES
from marches.models import Marche

from .. import selectors
from ..forms import ActionForm
from .base import ADM, FACILITATION, F, P


class PaginatorCompte(Paginator):
    """A paginator whose number of rows comes from `compte()` (a cheaper query than COUNT(*) of the list's)."""

    def __init__(self, object_list, per_page, *, compte, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._compte = compte

    @cached_property
    def count(self):
        return self._compte()


@role_required(F, ADM, P)
def home(request):
    """Alerts of the day and the progress of every insertion clause the user may follow."""
    today = timezone.localdate()
    marches = selectors.marches_suivis(request.user)
    page = PaginatorCompte(marches, 25, compte=lambda: selectors.nb_marches_suivis(request.user)).get_page(
        request.GET.get("page"))
    avancements = selectors.avancements_des(page, today)
    for m in page:
        m.avancement = avancements.get(m.pk)
    return render(request, "facilitateurs/home.html", {
        "alertes": selectors.alertes(request.user, today), "page_obj": page, "marches": page.object_list,
        "paginator": page.paginator, "today": today, "peut_saisir": request.user.role in FACILITATION,
    })


def _marche_visible(request, pk):
    return get_object_or_404(Marche.objects.visibles_par(request.user).select_related("acheteur"), pk=pk)


@role_required(*ALL_ROLES)
def suivi_marche(request, pk):
    """A contract's clause progress: required vs realised, pace, forecast, by modality/company/month. Anonymous."""
    marche = _marche_visible(request, pk)
    avancement = selectors.avancement_du_marche(marche)
    context = {"marche": marche, "avancement": avancement, "detail": selectors.detail_heures_marche(marche),
               "peut_saisir": request.user.role in FACILITATION,
               "conventions": selectors.conventions_visibles(request.user).filter(marches=marche)}
    if request.user.role in FACILITATION:
        context["actions"] = selectors.actions_ouvertes(marche=marche)
        context["action_form"] = ActionForm(marche=marche)
    return render(request, "facilitateurs/suivi_marche.html", context)
