"""Checking a PDF's layout the way a reader would see it: nothing outside the page, no table row cut in two,
and that the PDF is tagged (PDF/UA). Used by the bilan's and the public scheme's PDF tests.

Two views of the same document:
- the PDF itself, read back with pypdf: every text fragment starts inside the page's /MediaBox, and the markers
  written at both ends of a row's first cell ("DEB07 … FIN07") are on the same pages;
- WeasyPrint's layout of the pages (the boxes the PDF is drawn from): every text line, image and table ends inside
  the page's content area (so nothing runs into the margin or off the page), and no table row has parts on two
  pages."""

import io
import re
from collections import defaultdict

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from weasyprint.formatting_structure import boxes

TOLERANCE = 0.5  # CSS px (rounding of the layout)


def _parcourir(box, dans_marge=False):
    dans_marge = dans_marge or isinstance(box, boxes.MarginBox)
    yield box, dans_marge
    for enfant in getattr(box, "children", None) or ():
        yield from _parcourir(enfant, dans_marge)


def defauts_de_mise_en_page(document) -> list[str]:
    """What leaves the content area of its page, and which table rows are split across pages (WeasyPrint layout)."""
    defauts = []
    pages_des_lignes = defaultdict(set)
    lignes_texte = {}
    for numero, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        gauche = page_box.content_box_x()
        droite = gauche + page_box.width
        haut = page_box.content_box_y()
        bas = haut + page_box.height
        entetes = set()
        for box, dans_marge in _parcourir(page_box):
            if isinstance(box, boxes.TableRowGroupBox) and (box.is_header or box.is_footer):
                entetes.update(id(b) for b, _ in _parcourir(box))  # repeated on each page by design
            if isinstance(box, boxes.TableRowBox) and box.element is not None and id(box) not in entetes:
                pages_des_lignes[id(box.element)].add(numero)
                lignes_texte.setdefault(id(box.element), _texte_de(box))
            if dans_marge or not isinstance(box, boxes.TextBox | boxes.ReplacedBox | boxes.TableBox):
                continue
            x, largeur = box.position_x, box.margin_width()
            y, hauteur = box.position_y, box.margin_height()
            if x < gauche - TOLERANCE or x + largeur > droite + TOLERANCE:
                quoi = _texte_de(box) or type(box).__name__
                defauts.append(f"page {numero} : « {quoi[:60]} » de {x:.0f} à {x + largeur:.0f} px, "
                               f"hors de la zone {gauche:.0f}–{droite:.0f} px")
            if not isinstance(box, boxes.TableBox) and (y < haut - TOLERANCE or y + hauteur > bas + TOLERANCE):
                quoi = _texte_de(box) or type(box).__name__
                defauts.append(f"page {numero} : « {quoi[:60]} » de {y:.0f} à {y + hauteur:.0f} px (hauteur), "
                               f"hors de la zone {haut:.0f}–{bas:.0f} px")
    for cle, pages in pages_des_lignes.items():
        if len(pages) > 1:
            defauts.append(f"ligne de tableau coupée entre les pages {sorted(pages)} : « {lignes_texte[cle][:60]} »")
    return defauts


def _texte_de(box) -> str:
    if isinstance(box, boxes.TextBox):
        return box.text
    return " ".join(b.text for b, _ in _parcourir(box) if isinstance(b, boxes.TextBox))


def textes_hors_page(pdf: bytes) -> list[str]:
    """The text fragments whose starting point lies outside their page's /MediaBox (pypdf)."""
    hors = []
    for numero, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)

        def visiteur(texte, cm, tm, _font, _taille, numero=numero, x0=x0, y0=y0, x1=x1, y1=y1):
            if not texte.strip():
                return
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            if not (x0 - 0.01 <= x <= x1 + 0.01 and y0 - 0.01 <= y <= y1 + 0.01):
                hors.append(f"page {numero} : « {texte.strip()[:60]} » en ({x:.0f}, {y:.0f})")

        page.extract_text(visitor_text=visiteur)
    return hors


def textes_par_page(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def marqueurs_separes(pdf: bytes, numeros) -> list[str]:
    """Rows whose first cell reads "DEBnn … FINnn": the pages holding DEBnn must be those holding FINnn."""
    pages = textes_par_page(pdf)
    separes = []
    for n in numeros:
        debut = {i + 1 for i, texte in enumerate(pages) if f"DEB{n:02d}" in texte}
        fin = {i + 1 for i, texte in enumerate(pages) if f"FIN{n:02d}" in texte}
        if not debut or debut != fin:
            separes.append(f"DEB{n:02d} pages {sorted(debut)}, FIN{n:02d} pages {sorted(fin)}")
    return separes


def etiquetage(pdf: bytes) -> dict:
    """What a screen reader relies on: /MarkInfo, the structure tree, the language, the title, figures' /Alt."""
    reader = PdfReader(io.BytesIO(pdf))
    racine = reader.trailer["/Root"]
    figures = []

    def parcourir(noeud):
        if isinstance(noeud, IndirectObject):
            noeud = noeud.get_object()
        if not isinstance(noeud, DictionaryObject):
            return
        if noeud.get("/S") == "/Figure":
            figures.append(str(noeud.get("/Alt", "")))
        enfants = noeud.get("/K")
        if enfants is None:
            return
        for enfant in enfants if isinstance(enfants, ArrayObject) else [enfants]:
            parcourir(enfant)

    if "/StructTreeRoot" in racine:
        parcourir(racine["/StructTreeRoot"])
    mark_info = racine.get("/MarkInfo")
    return {
        "marque": bool(mark_info and mark_info.get_object().get("/Marked")),
        "arbre": "/StructTreeRoot" in racine,
        "langue": str(racine.get("/Lang", "")),
        "titre": (reader.metadata or {}).get("/Title", ""),
        "figures": figures,
        "pages": len(reader.pages),
    }
