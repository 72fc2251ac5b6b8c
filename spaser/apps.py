from django.apps import AppConfig


class SpaserConfig(AppConfig):
    name = "spaser"
    verbose_name = "SPASER"

    def ready(self):
        """Plug the scheme into the two extension points of the app below it (bilans): the yearly monitoring
        of the SPASER as a section of the annual bilan PDF, and the adopted targets as the source the indicator
        engine measures the shares against. bilans never imports spaser; this is the one place where spaser
        registers into it (tests/test_architecture.py allows imports in `ready()` of an app below only)."""
        from bilans.pdf import SECTIONS_SUPPLEMENTAIRES
        from bilans.selectors import SOURCES_CIBLES

        from .bilan import section_bilan
        from .selectors import cibles_adoptees

        if section_bilan not in SECTIONS_SUPPLEMENTAIRES:
            SECTIONS_SUPPLEMENTAIRES.append(section_bilan)
        if cibles_adoptees not in SOURCES_CIBLES:
            SOURCES_CIBLES.append(cibles_adoptees)
