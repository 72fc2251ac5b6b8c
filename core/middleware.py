import logging

from django.conf import settings
from django.db import OperationalError, connections
from django.template.defaultfilters import filesizeformat
from django.template.response import SimpleTemplateResponse
from django.urls import Resolver404, resolve
from django.utils import translation

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer a clear 503 page instead of a stack trace.
    Connections are closed so that the next request reconnects once the database is back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except OperationalError as exc:
            return self._unavailable(exc)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError):
            return self._unavailable(exception)
        return None

    def _unavailable(self, exc):
        logger.error("Base de données indisponible : %s", exc)
        for conn in connections.all():
            conn.close_if_unusable_or_obsolete()
        response = SimpleTemplateResponse("503.html", status=503)
        response["Retry-After"] = "30"
        return response.render()


def accepte_fichiers(view):
    """Mark a view that receives uploaded files: its requests may be as large as an import
    (settings.MAX_UPLOAD_SIZE plus the form around it); every other request is kept small (TailleRequeteMiddleware)."""
    view.accepte_fichiers = True
    return view


ENVELOPPE_OCTETS = 1024 * 1024  # the form's other fields and the multipart boundaries around the file(s)


def taille_requete_max(request) -> int:
    """The largest body a request may send: an upload view's limit for a logged-in user, REQUETE_TAILLE_MAX
    (the form fields of a page) for any other view, REQUETE_ANONYME_TAILLE_MAX (a login form) for anonymous."""
    anonyme = not getattr(getattr(request, "user", None), "is_authenticated", False)
    if anonyme:
        return int(getattr(settings, "REQUETE_ANONYME_TAILLE_MAX", 64 * 1024))
    try:
        vue = resolve(request.path_info).func
    except Resolver404:
        vue = None
    if getattr(vue, "accepte_fichiers", False):
        return int(settings.MAX_UPLOAD_SIZE) + ENVELOPPE_OCTETS
    return int(getattr(settings, "REQUETE_TAILLE_MAX", settings.DATA_UPLOAD_MAX_MEMORY_SIZE))


class TailleRequeteMiddleware:
    """Refuse a request body past its limit (taille_requete_max) from its Content-Length, before anything reads
    it: a 300 MB POST to the login page is answered 413 at once instead of being written to disk first. Django
    reads no more than the Content-Length (a body sent without one, chunked, is not read at all), so the header
    bounds what the application ever receives. Must come after AuthenticationMiddleware (the limit depends on
    who asks); it runs before any view or middleware reads request.POST (CSRF reads it in process_view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        texte = request.META.get("CONTENT_LENGTH") or "0"
        if not (texte.isascii() and texte.isdigit()):
            return _refus(400, "La longueur annoncée de la requête (Content-Length) est invalide.", fermer=True)
        taille = int(texte)
        maximum = taille_requete_max(request) if taille else 0
        if taille > maximum:
            logger.warning("Requête refusée : %s octets envoyés à %s (maximum %s)", taille, request.path, maximum)
            return _refus(413, f"La requête envoyée pèse {_octets(taille)} : la taille maximale acceptée ici est de "
                               f"{_octets(maximum)}. Rien n'a été enregistré.", fermer=True)
        return self.get_response(request)


class ParametresMiddleware:
    """Refuse (400) a query string carrying a NUL character: no screen needs one, PostgreSQL can neither store nor
    compare it (a search for it would be a 500), and refusing it here covers every parameter a view reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in cle or any("\x00" in v for v in valeurs) for cle, valeurs in request.GET.lists()):
            return _refus(400, "L'adresse contient un caractère nul (%00), qu'aucune page n'accepte. "
                               "Rien n'a été enregistré.")
        return self.get_response(request)


def _refus(status: int, message: str, *, fermer: bool = False):
    """A request refused before any view: the French page of its status (templates/400.html, 413.html).
    `fermer`: the body was left unread, so the connection is closed (it must not be taken for the next request)."""
    response = SimpleTemplateResponse(f"{status}.html", {"message": message}, status=status)
    if fermer:
        response["Connection"] = "close"
    return response.render()


def _octets(n: int) -> str:
    with translation.override("fr"):
        return str(filesizeformat(n)).replace("\xa0", " ")
