from django.apps import AppConfig


class SpaserConfig(AppConfig):
    name = "spaser"
    verbose_name = "SPASER"

    def ready(self):
        """Add the yearly monitoring of the SPASER to the annual bilan PDF, and the adopted targets to the
        indicator engine (dashboards and PDF measure the shares against them)."""
        try:
            from bilans.pdf import SECTIONS_SUPPLEMENTAIRES
            from bilans.selectors import SOURCES_CIBLES
        except ImportError:
            return
        from .bilan import section_bilan
        from .selectors import cibles_adoptees

        if section_bilan not in SECTIONS_SUPPLEMENTAIRES:
            SECTIONS_SUPPLEMENTAIRES.append(section_bilan)
        if cibles_adoptees not in SOURCES_CIBLES:
            SOURCES_CIBLES.append(cibles_adoptees)
