from django.apps import AppConfig


class RelancesConfig(AppConfig):
    name = "relances"
    verbose_name = "Relances et notifications par courriel"
