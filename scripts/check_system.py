"""Say in one line which Debian packages WeasyPrint needs, if its system libraries are missing."""

import sys

try:
    import weasyprint  # noqa: F401
except OSError as exc:
    print(
        "Bibliothèques système manquantes pour WeasyPrint (PDF) : "
        "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core "
        f"({exc})",
        file=sys.stderr,
    )
    sys.exit(1)
