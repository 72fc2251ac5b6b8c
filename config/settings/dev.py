"""Embedded default used by `make run`: SQLite, filesystem broker, demo data."""

import os

from .base import *  # noqa: F403
from .base import env_bool

# Off by default, so that `make run` shows the French 404/500 pages a user sees in production (Django's debug
# pages are English and list the URLs); `DEBUG=1 make run` for a developer's debug pages.
DEBUG = env_bool("DEBUG", False)
# Static files served by WhiteNoise straight from the source folders (no collectstatic), refreshed on change.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DEMO = True
# `make run`: e-mails (password reset...) are written as files under var/courriels/ instead of being sent
# (EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend prints them; the SMTP one sends them).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
