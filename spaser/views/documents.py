"""The strategic documents the scheme refers to."""

from ..forms import DocumentForm
from ..models import DocumentStrategique, Spaser
from .base import DeleteView, EditView


class DocumentCreateView(EditView):
    model, parent_model, parent_field = DocumentStrategique, Spaser, "spaser"
    form_class, service, entity, nouveau = DocumentForm, "document_enregistrer", "document", "Nouveau document stratégique"


class DocumentUpdateView(DocumentCreateView):
    pass


class DocumentDeleteView(DeleteView):
    model, service, entity = DocumentStrategique, "document_supprimer", "document"
