from django.apps import AppConfig


class FacilitateursConfig(AppConfig):
    name = "facilitateurs"
