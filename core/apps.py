from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Socle (organisations, utilisateurs, historique)"

    def ready(self):
        from django.apps import apps

        from .donnees import brancher_signaux
        from .unicite import installer

        brancher_signaux(apps)
        installer()  # plain French for "already exists" (core/unicite.py)
