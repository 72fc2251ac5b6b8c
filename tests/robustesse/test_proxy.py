"""The production stack as docker-compose.yml runs it, without Docker: deploy/nginx/spaser.conf.template rendered
with the `proxy` service's values (ports, certificate and upstream moved to loopback), Debian's nginx in front of
gunicorn started with the Dockerfile's command and the production settings, static files collected by the
Dockerfile's script. Over HTTPS with a self-signed certificate made by the test: plain HTTP is redirected, pages
answer through the proxy (no redirect loop: Django believes X-Forwarded-Proto from the proxy), a login works, a
body past the limit is refused by nginx (413) before gunicorn, and the address login throttling counts is the
client's (the one the proxy saw, not the X-Forwarded-For the client wrote).

nginx and openssl are needed (.ci/run installs nginx-light); without them the test is skipped, except under
CI=true where it fails."""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from core.entetes import CONTENT_SECURITY_POLICY
from tests.core.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
GABARIT = ROOT / "deploy" / "nginx" / "spaser.conf.template"
VARIABLES = re.compile(r"\$\{(SPASER_[A-Z_]+)\}")


def _outil(nom):
    chemin = shutil.which(nom) or (f"/usr/sbin/{nom}" if Path(f"/usr/sbin/{nom}").exists() else None)
    if chemin is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{nom} est nécessaire sous CI=true (apt-get install nginx-light openssl).")
        pytest.skip(f"{nom} n'est pas installé : le proxy n'est pas testé pour de vrai.")
    return chemin


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _attendre_port(port, processus, journal):
    fin = time.monotonic() + 60
    while time.monotonic() < fin:
        if processus.poll() is not None:
            pytest.fail(f"Le processus s'est arrêté ({processus.returncode}) :\n{Path(journal).read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"Le port {port} n'a pas ouvert :\n{Path(journal).read_text()[-3000:]}")


def rendre(valeurs: dict) -> str:
    """The template as the nginx image's entrypoint renders it (envsubst of the SPASER_ variables)."""
    return VARIABLES.sub(lambda m: valeurs[m.group(1)], GABARIT.read_text())


# --- The compose file and the template agree (read, no Docker here) ----------------------------------------------


def test_the_compose_stack_publishes_only_the_proxy_and_django_trusts_only_it():
    services = COMPOSE["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert set(proxy["ports"]) == {"80:80", "443:443"}
    montages = {m.group(2): m.group(1) for m in (re.fullmatch(r"(.+):(/[^:]+):ro", v) for v in proxy["volumes"])}
    assert montages["/etc/nginx/templates/default.conf.template"] == "./deploy/nginx/spaser.conf.template"
    assert "/etc/nginx/certs" in montages
    environnement = proxy["environment"]
    assert set(VARIABLES.findall(GABARIT.read_text())) <= set(environnement), "a template variable has no value"
    assert environnement["SPASER_UPSTREAM"] == "web:8000"
    assert (environnement["SPASER_HTTP_PORT"], environnement["SPASER_HTTPS_PORT"]) == ("80", "443")
    # No other service publishes a port: gunicorn is reached through the proxy only.
    assert [nom for nom, service in services.items() if service.get("ports") and nom != "proxy"] == []
    web = services["web"]["environment"]
    adresse = proxy["networks"]["default"]["ipv4_address"]
    assert web["TRUSTED_PROXIES"] == adresse
    sous_reseau = COMPOSE["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert adresse.rsplit(".", 1)[0] == sous_reseau.rsplit(".", 1)[0]
    assert web["SECURE_SSL_REDIRECT"].endswith("true}")
    for variable in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
                     "DEFAULT_FROM_EMAIL"):
        assert variable in web


def test_the_dockerfile_collects_static_files_with_the_script_ci_runs():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "sh deploy/collectstatic.sh" in dockerfile
    assert "deploy/collectstatic.sh" in (ROOT / ".ci" / "run").read_text()
    assert "config.settings.prod" in (ROOT / "deploy" / "collectstatic.sh").read_text()
    ignores = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "deploy/certs", ".venv", "var"} <= set(ignores)


def test_the_proxy_configuration_is_valid_for_nginx(tmp_path):
    nginx = _outil("nginx")
    _certificat(tmp_path)
    conf = _configuration(tmp_path, upstream="127.0.0.1:9", http=_port_libre(), https=_port_libre())
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


# --- The stack for real: nginx in front of gunicorn ---------------------------------------------------------------


def _certificat(dossier: Path):
    openssl = _outil("openssl")
    certs = dossier / "certs"
    certs.mkdir(exist_ok=True)
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem")],
        check=True, capture_output=True,
    )
    return certs / "fullchain.pem"


def _configuration(dossier: Path, *, upstream, http, https) -> Path:
    valeurs = dict(COMPOSE["services"]["proxy"]["environment"])
    valeurs.update(SPASER_UPSTREAM=upstream, SPASER_HTTP_PORT=f"127.0.0.1:{http}",
                   SPASER_HTTPS_PORT=f"127.0.0.1:{https}", SPASER_CERT_DIR=str(dossier / "certs"))
    (dossier / "spaser.conf").write_text(rendre(valeurs))
    (dossier / "logs").mkdir(exist_ok=True)
    conf = dossier / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {dossier}/nginx.pid;\nerror_log {dossier}/logs/error.log;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        f"  access_log {dossier}/logs/access.log;\n"
        + "".join(f"  {nom}_temp_path {dossier}/{nom};\n" for nom in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {dossier}/spaser.conf;\n}}\n"
    )
    return conf


def _url_base_de_donnees():
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return (f"postgresql://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}")


@pytest.fixture
def pile(transactional_db, tmp_path):
    """gunicorn (the Dockerfile's command, production settings) behind nginx (the compose template)."""
    nginx = _outil("nginx")
    cert = _certificat(tmp_path)
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "REDIS_URL", "DEBUG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod", PYTHONPATH=str(ROOT), VAR_DIR=str(var),
        SECRET_KEY="proxy-test-" + "x" * 50, ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=_url_base_de_donnees(), TRUSTED_PROXIES="127.0.0.1", CONN_MAX_AGE="0",
    )
    subprocess.run(["sh", "deploy/collectstatic.sh"], cwd=ROOT, env={**env, "PYTHON": sys.executable}, check=True,
                   capture_output=True)
    port_web, http, https = _port_libre(), _port_libre(), _port_libre()
    journal_web = tmp_path / "gunicorn.log"
    # The Dockerfile's CMD, on loopback, one worker.
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port_web}",
         "--workers", "1", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=open(journal_web, "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
    )
    conf = _configuration(tmp_path, upstream=f"127.0.0.1:{port_web}", http=http, https=https)
    journal_proxy = tmp_path / "logs" / "error.log"
    proxy = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _attendre_port(port_web, web, journal_web)
        _attendre_port(https, proxy, journal_proxy)
        contexte = ssl.create_default_context(cafile=str(cert))
        yield type("Pile", (), {"http": http, "https": https, "contexte": contexte, "journal_web": journal_web})
    finally:
        for processus in (proxy, web):
            processus.terminate()
            try:
                processus.wait(timeout=20)
            except subprocess.TimeoutExpired:
                processus.kill()


def _https(pile, methode, chemin, *, corps=None, entetes=None):
    connexion = http.client.HTTPSConnection("127.0.0.1", pile.https, context=pile.contexte, timeout=30)
    entetes = {"Host": f"127.0.0.1:{pile.https}", **(entetes or {})}
    connexion.request(methode, chemin, body=corps, headers=entetes)
    reponse = connexion.getresponse()
    contenu = reponse.read().decode("utf-8", "replace")
    connexion.close()
    return reponse, contenu


def _cookies(reponse) -> dict:
    resultat = {}
    for valeur in reponse.headers.get_all("Set-Cookie") or []:
        nom, _, reste = valeur.partition("=")
        resultat[nom] = (reste.split(";", 1)[0], valeur)
    return resultat


@pytest.mark.django_db(transaction=True)
def test_the_stack_serves_https_behind_nginx_and_redirects_http(pile):
    connexion = http.client.HTTPConnection("127.0.0.1", pile.http, timeout=30)
    connexion.request("GET", "/connexion/?suivant=1", headers={"Host": "spaser.exemple.fr"})
    redirection = connexion.getresponse()
    assert redirection.status == 301
    assert redirection.getheader("Location") == "https://spaser.exemple.fr/connexion/?suivant=1"

    reponse, html = _https(pile, "GET", "/connexion/")
    assert reponse.status == 200, html[:500]  # not a 301 to itself: Django believed the proxy's X-Forwarded-Proto
    assert "Connexion" in html
    assert reponse.getheader("Strict-Transport-Security", "").startswith("max-age=")
    assert reponse.getheader("Content-Security-Policy") == CONTENT_SECURITY_POLICY
    assert reponse.getheader("Server") == "nginx"  # no version
    # Static files through WhiteNoise, collected with the production manifest.
    feuille = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]+\.css)"', html)
    assert feuille, "the production manifest names hashed static files"
    css, _ = _https(pile, "GET", feuille.group(1))
    assert css.status == 200


@pytest.mark.django_db(transaction=True)
def test_a_login_through_the_proxy_counts_the_client_address_and_works(pile):
    agent = UserFactory(username="agent")
    # The test settings hash with MD5 (fast); production knows only its own hashers: a PBKDF2 hash it can check.
    agent.password = PBKDF2PasswordHasher().encode("demo", salt="selduproxy123456", iterations=1000)
    agent.save(update_fields=["password"])
    page, html = _https(pile, "GET", "/connexion/")
    jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    csrf, brut = _cookies(page)["csrftoken"]
    assert "Secure" in brut
    origine = f"https://127.0.0.1:{pile.https}"

    def envoyer(mot_de_passe, faux_xff):
        return _https(
            pile, "POST", "/connexion/",
            corps=urlencode({"csrfmiddlewaretoken": jeton, "username": "agent", "password": mot_de_passe}),
            entetes={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
                     "Referer": f"{origine}/connexion/", "Origin": origine, "X-Forwarded-For": faux_xff,
                     "X-Forwarded-Proto": "http"},
        )

    echec, html = envoyer("mauvais", "203.0.113.9")
    assert echec.status == 200 and "Identifiant ou mot de passe incorrect" in html
    # The client wrote an X-Forwarded-For: the proxy replaced it by the address it saw.
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]

    succes, _ = envoyer("demo", "198.51.100.1")
    assert succes.status == 302, _
    session, brut = _cookies(succes)[settings.SESSION_COOKIE_NAME]
    assert "Secure" in brut and "HttpOnly" in brut
    accueil, html = _https(pile, "GET", "/", entetes={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
    assert accueil.status == 200
    assert "Se déconnecter" in html
    assert accueil.getheader("Cache-Control") == "no-store, private"


@pytest.mark.django_db(transaction=True)
def test_a_body_past_the_limit_is_refused_by_the_proxy_before_gunicorn(pile):
    limite = COMPOSE["services"]["proxy"]["environment"]["SPASER_BODY_MAX"]
    assert limite.endswith("m")
    trop = (int(limite[:-1]) + 1) * 1024 * 1024
    connexion = http.client.HTTPSConnection("127.0.0.1", pile.https, context=pile.contexte, timeout=30)
    connexion.putrequest("POST", "/connexion/", skip_host=True)
    connexion.putheader("Host", f"127.0.0.1:{pile.https}")
    connexion.putheader("Content-Type", "application/x-www-form-urlencoded")
    connexion.putheader("Content-Length", str(trop))
    connexion.endheaders()  # no body sent: nginx answers from the Content-Length alone
    reponse = connexion.getresponse()
    html = reponse.read().decode()
    connexion.close()
    assert reponse.status == 413
    assert "Envoi trop volumineux" in html and 'lang="fr"' in html
    assert "POST /connexion/" not in pile.journal_web.read_text()
