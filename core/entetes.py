"""HTTP headers of every answer, and what the application believes of the headers it receives.

- Content-Security-Policy on every answer: scripts and styles from the site itself only (no inline script, no
  `style=` attribute, no `on...=` handler in the templates: behaviour lives in static/js/, data goes through
  `json_script`, which the browser does not execute).
- `Cache-Control: no-store, private` on every answer to a logged-in user: such pages and exports can show a
  participant's identity (facilitateurs), which must not stay in a browser's or a shared proxy's cache.
- The reverse proxy (deploy/nginx/, docker-compose.yml) terminates TLS and sends `X-Forwarded-Proto` and
  `X-Forwarded-For`. They are believed only when the connection comes from an address of TRUSTED_PROXIES
  (settings.PROXIES_DE_CONFIANCE): from anyone else they are removed before Django reads them, so a client
  cannot pretend to be on HTTPS nor choose the address that login throttling counts (core.connexion).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Bootstrap draws its icons (menu, select arrows) as data: SVG images
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
CACHE_CONTROL_PRIVE = "no-store, private"
ENTETES_DU_PROXY = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST", "HTTP_X_REAL_IP")


def reseaux(valeurs: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """TRUSTED_PROXIES's addresses or networks (`172.30.0.10`, `10.0.0.0/24`); a wrong one stops the start."""
    resultat = []
    for valeur in valeurs:
        try:
            resultat.append(ipaddress.ip_network(valeur.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES : « {valeur} » n'est pas une adresse IP ni un réseau.") from exc
    return tuple(resultat)


def _adresse(valeur: str | None):
    try:
        return ipaddress.ip_address((valeur or "").strip())
    except ValueError:
        return None


def vient_du_proxy(request) -> bool:
    """True when the connection itself (REMOTE_ADDR) comes from a trusted reverse proxy."""
    adresse = _adresse(request.META.get("REMOTE_ADDR"))
    return adresse is not None and any(adresse in reseau for reseau in reseaux(settings.PROXIES_DE_CONFIANCE))


def adresse_client(request) -> str | None:
    """The client's real address (AXES_CLIENT_IP_CALLABLE): the connection's, or, when the connection comes from
    the trusted proxy, the address the proxy put last in X-Forwarded-For (the one it saw; anything before it was
    written by the client and proves nothing)."""
    distante = request.META.get("REMOTE_ADDR")
    if vient_du_proxy(request):
        transmise = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1]
        adresse = _adresse(transmise)
        if adresse is not None:
            return str(adresse)
    return distante


class EntetesMiddleware:
    """First middleware: forgets proxy headers a client sent itself; adds the CSP and, for a logged-in user,
    `Cache-Control: no-store` to every answer (errors, lockout page and static files included)."""

    def __init__(self, get_response):
        self.get_response = get_response
        reseaux(settings.PROXIES_DE_CONFIANCE)  # a wrong TRUSTED_PROXIES stops the start, not every request

    def __call__(self, request):
        if not vient_du_proxy(request):
            for entete in ENTETES_DU_PROXY:
                request.META.pop(entete, None)
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        utilisateur = getattr(request, "user", None)
        if utilisateur is not None and utilisateur.is_authenticated:
            actuel = response.get("Cache-Control", "")
            if "no-store" not in actuel or "public" in actuel:
                response["Cache-Control"] = CACHE_CONTROL_PRIVE
        return response
