import logging

from django.db import OperationalError, connections
from django.template.response import SimpleTemplateResponse

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
