"""Embedded default used by `make run`: SQLite, filesystem broker, demo data."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
DEMO = True
# `make run`: e-mails (password reset...) are written as files under var/courriels/ instead of being sent
# (EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend prints them; the SMTP one sends them).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
