"""Reading back what users get: the PDF's text, an XLSX's strings; French spaces normalised."""

import io
import re
import shutil
import subprocess
import zipfile

import pytest


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()


def pdf_text(content: bytes, tmp_path) -> str:
    """Text of a PDF: pypdf when installed, else poppler's pdftotext; skipped when neither is there."""
    try:
        from pypdf import PdfReader
    except ImportError:
        PdfReader = None
    if PdfReader is not None:
        return normalise(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages))
    if shutil.which("pdftotext"):
        path = tmp_path / "lu.pdf"
        path.write_bytes(content)
        result = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
        return normalise(result.stdout)
    pytest.skip("Ni pypdf ni pdftotext (poppler-utils) : lecture du PDF impossible ici.")


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return normalise(" ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                                  if name.endswith(".xml")))
