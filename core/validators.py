"""Upload checks shared by every form with a file: size (settings.MAX_UPLOAD_SIZE) and type, judged on the
name's extension AND on the first bytes (a renamed executable or a zip posing as a CSV is refused before any
parser sees it). Messages are French and name the file."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

HEAD_BYTES = 8192
BINARY_SIGNATURES = (
    b"PK\x03\x04",
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"MZ",
    b"\x7fELF",
    b"\x1f\x8b",
    b"\xd0\xcf\x11\xe0",
    b"Rar!",
    b"7z\xbc\xaf",
)
BOM = b"\xef\xbb\xbf"


def _texte(head: bytes) -> bool:
    """Looks like text: no NUL byte, no known binary signature."""
    return b"\x00" not in head and not head.startswith(BINARY_SIGNATURES)


def _debut(head: bytes) -> bytes:
    return head.removeprefix(BOM).lstrip()


# extension -> (label, check of the first bytes)
TYPES = {
    ".csv": ("CSV", _texte),
    ".xlsx": ("classeur XLSX", lambda head: head.startswith(b"PK\x03\x04")),
    ".json": ("JSON", lambda head: _texte(head) and _debut(head)[:1] in (b"{", b"[")),
    ".xml": ("XML", lambda head: _texte(head) and _debut(head)[:1] == b"<"),
}


def fichier_valider(fichier, extensions) -> None:
    """Raise ValidationError unless `fichier` (an UploadedFile) is at most MAX_UPLOAD_SIZE and one of
    `extensions` (e.g. (".csv", ".xlsx")) by its name and its content."""
    nom = getattr(fichier, "name", "") or "sans nom"
    taille = getattr(fichier, "size", None) or 0
    if taille > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            "Le fichier « %(nom)s » pèse %(taille)s : la taille maximale est %(max)s.",
            code="trop_gros",
            params={
                "nom": nom,
                "taille": filesizeformat(taille),
                "max": filesizeformat(settings.MAX_UPLOAD_SIZE),
            },
        )
    attendus = ", ".join(TYPES[e][0] for e in extensions)
    extension = "." + nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if extension not in extensions:
        raise ValidationError(
            "Le fichier « %(nom)s » n'est pas d'un type accepté (%(attendus)s).",
            code="extension",
            params={"nom": nom, "attendus": attendus},
        )
    if taille == 0:
        raise ValidationError("Le fichier « %(nom)s » est vide.", code="vide", params={"nom": nom})
    position = fichier.tell() if hasattr(fichier, "tell") else 0
    fichier.seek(0)
    head = fichier.read(HEAD_BYTES)
    fichier.seek(position)
    label, ok = TYPES[extension]
    if not ok(head):
        raise ValidationError(
            "Le contenu du fichier « %(nom)s » n'est pas celui d'un fichier %(type)s.",
            code="contenu",
            params={"nom": nom, "type": label},
        )
