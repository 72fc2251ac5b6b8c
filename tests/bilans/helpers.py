"""Reading back what users get: the PDF's text, an XLSX's strings; French spaces normalised."""

import io
import re
import zipfile


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()


def pdf_text(content: bytes, tmp_path=None) -> str:
    """Text of a PDF, read back with pypdf (a pinned test dependency: never skipped)."""
    from pypdf import PdfReader

    return normalise(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages))


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return normalise(" ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                                  if name.endswith(".xml")))
