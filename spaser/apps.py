from django.apps import AppConfig


class SpaserConfig(AppConfig):
    name = "spaser"
