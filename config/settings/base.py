"""Settings shared by every environment. Everything comes from the environment, with a safe default."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "oui", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DJANGO_APPS = [
    "django.contrib.admin",  # the administration of the reference data: core.admin_site, /administration/
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
]
LOCAL_APPS = [
    "core",
    "marches",
    "clauses",
    "facilitateurs",
    "fse",  # FSE+ operations, participants' data and the common indicators (above facilitateurs)
    "examens",
    "bilans",
    "declarations",  # companies' contacts and monthly declarations (above facilitateurs, below bilans)
    "spaser",
    "relances",  # reminders and notifications by e-mail, Celery beat (above spaser, below demo)
    "demo",  # demo data and `seed_demo`: depends on every app, none depends on it
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "core.entetes.EntetesMiddleware",  # first: proxy headers only from TRUSTED_PROXIES; CSP, no-store (core/entetes.py)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.TailleRequeteMiddleware",  # after auth: a body past its limit is refused (413) before it is read
    "core.middleware.ParametresMiddleware",  # a NUL character in the query string: 400 (PostgreSQL refuses it)
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.donnees.DonneesModifieesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
            "builtins": ["core.templatetags.formats"],
        },
    }
]

# DATABASE_URL selects PostgreSQL (postgresql://user@host:5432/name); the default is embedded SQLite.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default has a worker beside the web process, and some requests write after reading (a page
    # that queues a job, the DECP file assigning ids): a transaction that reads then writes while another holds the
    # write lock fails at once with "database is locked" (SQLite cannot wait there without a deadlock). IMMEDIATE
    # takes the write lock at BEGIN, and `timeout` waits for it up to 20 s instead of failing (a 503 page).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: 25-30 ms of compilation on the
    # bilans' aggregates over 100,000 contracts, which run in 50-100 ms without it (bench/bench_bilans.py). Our
    # queries are short: JIT off for this application's connections (options given in DATABASE_URL are kept).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (core/connexion.py): 5 failures lock the username+address pair for 15 minutes; 20 failures
# from every address together lock the username for 15 minutes. The address is the client's real one: behind
# the reverse proxy, from X-Forwarded-For, believed only from TRUSTED_PROXIES (core/entetes.py).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
CONNEXION_LIMITE_PAR_IDENTIFIANT = int(os.environ.get("CONNEXION_LIMITE_PAR_IDENTIFIANT", "20"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "core.connexion.VerrouillageConnexion"
# Attempts refused by a lock are not counted: an address once locked adds nothing to the username's count, and
# hammering does not push the end of its own lock further.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.entetes.adresse_client"
# Addresses or networks of the reverse proxy (docker-compose.yml: the `proxy` service's fixed address). Only
# connections from them may set X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) and X-Forwarded-For.
PROXIES_DE_CONFIANCE = env_list("TRUSTED_PROXIES")
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: refuse large bodies early (imports are sent as files; 20 MB is far above a real DECP file).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Bodies refused from their Content-Length before being read (core.middleware.TailleRequeteMiddleware): an upload
# view (core.middleware.accepte_fichiers) takes MAX_UPLOAD_SIZE, another page's form this much, anonymous a login.
REQUETE_TAILLE_MAX = int(os.environ.get("REQUETE_TAILLE_MAX", str(2 * 1024 * 1024)))
REQUETE_ANONYME_TAILLE_MAX = int(os.environ.get("REQUETE_ANONYME_TAILLE_MAX", str(64 * 1024)))
# Companies' proofs (pay slips, contracts, invoices): outside the web root, served only by a view that checks
# who asks (declarations.views); at most this many bytes each.
JUSTIFICATIFS_ROOT = Path(os.environ.get("JUSTIFICATIFS_ROOT", VAR_DIR / "justificatifs"))
JUSTIFICATIF_TAILLE_MAX = int(os.environ.get("JUSTIFICATIF_TAILLE_MAX", str(5 * 1024 * 1024)))
MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", str(20 * 1024 * 1024)))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# E-mail (password reset, notifications): SMTP, every setting from the environment (README, « Courriel »).
# config/settings/dev.py writes them to files instead; the tests use a real local SMTP server (tests/smtp.py).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "spaser@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The accessibility statement's and the legal notice's contact address (RGAA: a way to report a defect).
ACCESSIBILITE_CONTACT = os.environ.get("ACCESSIBILITE_CONTACT", "")
EMAIL_FILE_PATH = VAR_DIR / "courriels"
# Password links (reset, companies' invitations) expire after this many seconds: Django's 3 days.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 3600)))
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"

# Celery. REDIS_URL selects Redis; the default is kombu's filesystem transport, which needs no server.
REDIS_URL = os.environ.get("REDIS_URL", "")

# Cache (dashboard figures, sessions): Redis when REDIS_URL is set, else files shared by the web server and the
# embedded worker. Cached figures follow the data version (core/donnees.py).
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "spaser"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
INDICATEURS_CACHE_SECONDES = int(os.environ.get("INDICATEURS_CACHE_SECONDES", "600"))
CELERY_BROKER_DIR = Path(os.environ.get("CELERY_BROKER_DIR", VAR_DIR / "celery-broker"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A message whose worker died unacknowledged is delivered again after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),  # broadcast/pidbox files, not in the cwd
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message to be redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True  # job state lives in our own models, visible to users
# Jobs "en cours" with no live worker (core.jobs): on PostgreSQL, a job not locked by its worker after this delay;
# without row locks (SQLite), one running longer than TACHE_DUREE_MAX_SECONDES. The pages flag a job running for
# longer than TACHE_DUREE_SUSPECTE_SECONDES.
TACHE_REPRISE_DELAI_SECONDES = int(os.environ.get("TACHE_REPRISE_DELAI_SECONDES", "60"))
TACHE_DUREE_MAX_SECONDES = int(os.environ.get("TACHE_DUREE_MAX_SECONDES", "3600"))
TACHE_DUREE_SUSPECTE_SECONDES = int(os.environ.get("TACHE_DUREE_SUSPECTE_SECONDES", "900"))
# Reminders by e-mail (relances): the beat process (`celery -A config beat`) runs them once a day at this hour.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
RELANCES = {
    # Day of the month when a company is reminded of last month's declaration, then the follow-up this many
    # days later (once).
    "JOUR_DECLARATION": int(os.environ.get("RELANCES_JOUR_DECLARATION", "5")),
    "DELAI_RELANCE_JOURS": int(os.environ.get("RELANCES_DELAI_RELANCE_JOURS", "7")),
    # Facilitators' weekly digest: day of the week (0 = Monday).
    "JOUR_SYNTHESE": int(os.environ.get("RELANCES_JOUR_SYNTHESE", "0")),
    # A buyer is reminded this many days before the two-month DECP publication deadline of a notified contract.
    "DECP_PREAVIS_JOURS": int(os.environ.get("RELANCES_DECP_PREAVIS_JOURS", "15")),
    # Hour (local time) of the daily run by Celery beat.
    "HEURE": int(os.environ.get("RELANCES_HEURE", "7")),
    # Address of the site in the e-mails' links.
    "URL_SITE": os.environ.get("SITE_URL", "http://127.0.0.1:8000"),
}
CELERY_BEAT_SCHEDULE = {
    # Jobs left "en cours" by a dead worker: queued again once, then failed (core.jobs.taches_bloquees_reprendre).
    "taches-bloquees": {"task": "core.tasks.taches_bloquees_reprendre_tache", "schedule": 300.0},
    "relances-quotidiennes": {
        "task": "relances.tasks.relances_envoyer_tache",
        "schedule": crontab(minute=0, hour=RELANCES["HEURE"]),
    },
}

# Business settings that the law leaves open (domain.md): settings, not constants.
SPASER = {
    "INSTANCE_NAME": os.environ.get("INSTANCE_NAME", "SPASER"),
    # Sub-contracting to an SIAE: euros converted to insertion hours at this rate (€ per hour).
    "SOUS_TRAITANCE_EUROS_PAR_HEURE": float(os.environ.get("SOUS_TRAITANCE_EUROS_PAR_HEURE", "30")),
    # Training hours count for at most this share of a clause's required hours.
    "FORMATION_PART_MAX": float(os.environ.get("FORMATION_PART_MAX", "0.3")),
    # Eligibility proofs stay valid this many months.
    "VALIDITE_JUSTIFICATIF_MOIS": int(os.environ.get("VALIDITE_JUSTIFICATIF_MOIS", "3")),
    # Participants' identities are purged this many years after their last hours.
    "RETENTION_IDENTITE_ANNEES": int(os.environ.get("RETENTION_IDENTITE_ANNEES", "5")),
    # At most this many hours per participant and month, all contracts together (grid, import): 48 h a week,
    # the absolute legal maximum (art. L3121-20 du Code du travail), × 52 weeks ÷ 12 months = 208 h.
    "HEURES_MAX_PAR_MOIS": float(os.environ.get("HEURES_MAX_PAR_MOIS", "208")),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
AXES_VERBOSE = False
