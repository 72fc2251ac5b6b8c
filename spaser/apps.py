from django.apps import AppConfig


class SpaserConfig(AppConfig):
    name = "spaser"
    verbose_name = "SPASER"

    def ready(self):
        """Add the yearly monitoring of the SPASER to the annual bilan PDF."""
        try:
            from bilans.pdf import SECTIONS_SUPPLEMENTAIRES
        except ImportError:
            return
        from .bilan import section_bilan

        if section_bilan not in SECTIONS_SUPPLEMENTAIRES:
            SECTIONS_SUPPLEMENTAIRES.append(section_bilan)
