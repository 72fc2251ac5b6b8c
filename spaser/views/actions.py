"""The scheme's actions (who does what by when)."""

from ..forms import ActionForm
from ..models import Action, Spaser
from .base import DeleteView, EditView


class ActionCreateView(EditView):
    model, parent_model, parent_field = Action, Spaser, "spaser"
    form_class, service, entity, nouveau = ActionForm, "action_enregistrer", "action", "Nouvelle action"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["spaser"] = self.get_spaser()
        return kwargs


class ActionUpdateView(ActionCreateView):
    pass


class ActionDeleteView(DeleteView):
    model, service, entity = Action, "action_supprimer", "action"
