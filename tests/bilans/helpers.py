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



def chiffres_calculer() -> int:
    """Run the figures' jobs waiting (bilans.figures), as the worker does: through the Celery task (eager in the
    tests). A request's job is queued on its commit, which a test inside one transaction never reaches. Returns how
    many ran."""
    from core.models import Tache
    from core.tasks import run_tache

    ids = list(Tache.objects.filter(type="indicateurs", etat=Tache.Etat.EN_ATTENTE).values_list("pk", flat=True))
    for pk in ids:
        run_tache.delay(pk)
    return len(ids)


def page_chiffres(client, url, *args, **kwargs):
    """A page of figures as users see it once computed: asked once (it queues the computation of its stored figures,
    bilans.figures), the queued jobs run, asked again. Returns the second response."""
    client.get(url, *args, **kwargs)
    chiffres_calculer()
    return client.get(url, *args, **kwargs)

def attendre_chiffres(page, timeout: int = 60_000):
    """In the browser, on a page whose figures are first being computed: it says so, follows the job and offers
    the figures once ready (static/js/figures-etat.js); click the offer, the page shows them."""
    assert "Calcul des chiffres en cours" in page.locator("[data-testid=figures-etat]").inner_text()
    page.wait_for_selector("#figures-pretes:not(.d-none)", timeout=timeout)
    with page.expect_navigation():
        page.click("#figures-pretes")
