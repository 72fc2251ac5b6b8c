"""Embedded default used by `make run`: SQLite, filesystem broker, demo data."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
DEMO = True
