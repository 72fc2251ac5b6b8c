"""Charts as SVG, drawn on the server for the PDF (WeasyPrint runs no JavaScript).

Every label is shown whole: long labels wrap onto several lines (never cut with "…"), and every text's
estimated extent stays inside the drawing (`textes_hors_cadre` checks it). The PDF embeds each chart as an
<img> with a text alternative (`graphique_img`), so the tagged PDF gets a Figure with /Alt."""

import base64
import re
import textwrap
from html import escape, unescape

from .graphiques import FORMATTERS, Graphique, _num, graduations

COULEURS = ["#1f5f8b", "#e07b39", "#4e9a57", "#8e5ea2", "#c0392b"]
LARGEUR = 640
POLICE = "DejaVu Sans, sans-serif"
# Average advance of a DejaVu Sans glyph in em (digits 0.64, lower case about 0.6): an upper bound for our texts.
EM = 0.64


def largeur_texte(texte: str, taille: float) -> float:
    """Estimated width of a text in DejaVu Sans (upper bound)."""
    return len(str(texte)) * taille * EM


def couper(texte, largeur: float, taille: float) -> list[str]:
    """The text wrapped into lines that fit `largeur` at font size `taille` (a too long word is broken)."""
    largeur_max = max(int(largeur / (taille * EM)), 4)
    return textwrap.wrap(str(texte), largeur_max, break_long_words=True, break_on_hyphens=False) or [""]


def _texte(x, y, lignes: list[str], taille: float, ancre="start", interligne=None) -> str:
    """A <text> of one or more lines (tspans), the first line's baseline at y."""
    interligne = interligne or taille * 1.2
    if len(lignes) == 1:
        contenu = escape(lignes[0])
    else:
        contenu = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else interligne:.1f}">{escape(ligne)}</tspan>'
                          for i, ligne in enumerate(lignes))
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{taille}" text-anchor="{ancre}">{contenu}</text>'


def _svg(hauteur: float, corps: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{LARGEUR}" height="{hauteur:.0f}" '
            f'viewBox="0 0 {LARGEUR} {hauteur:.0f}" font-family="{POLICE}">{"".join(corps)}</svg>')


def _legende(g: Graphique, y: float) -> tuple[list[str], float]:
    """The legend (one entry per plotted column) from y; wraps onto new rows. Returns (parts, height)."""
    if len(g.series) < 2:
        return [], 0
    parts, x, ligne = [], 10, 0
    for i, index in enumerate(g.series):
        titre = g.colonnes[index].titre
        w = 14 + largeur_texte(titre, 9) + 16
        if x > 10 and x + w > LARGEUR - 10:
            x, ligne = 10, ligne + 1
        yy = y + ligne * 14
        parts.append(f'<rect x="{x}" y="{yy:.1f}" width="10" height="10" fill="{COULEURS[i % len(COULEURS)]}"/>'
                     + _texte(x + 14, yy + 9, [titre], 9))
        x += w
    return parts, (ligne + 1) * 14


HAUTEUR_MAX = 680  # an image never splits: a bar chart taller than this is drawn in several parts


def _barres(g: Graphique) -> list[str]:
    """Horizontal bars: the label on the left (wrapped), one bar per plotted column, the value after the bar.
    One SVG per part of at most HAUTEUR_MAX (same scale in every part)."""
    n_series = len(g.series)
    barre, ecart, taille, interligne = 11, 8, 9, 11
    gauche = 250
    formats = [FORMATTERS[g.colonnes[i].format] for i in g.series]
    valeurs_texte = [f(ligne[i]) for ligne in g.lignes for f, i in zip(formats, g.series, strict=True)]
    droite = max([largeur_texte(t, 8.5) for t in valeurs_texte] + [40]) + 12
    zone = LARGEUR - gauche - droite
    maximum = max([float(_num(ligne[i])) for ligne in g.lignes for i in g.series] + [0]) or 1
    parties, corps, y0 = [], [], 4.0
    h_legende = _legende(g, 0)[1]
    for ligne in g.lignes:
        libelle = couper(ligne[0], gauche - 14, taille)
        h_libelle = len(libelle) * interligne
        h_barres = n_series * barre
        h = max(h_libelle, h_barres)
        if corps and y0 + h + 8 + h_legende > HAUTEUR_MAX:
            parties.append(_fin_barres(g, corps, gauche, y0, avec_legende=False))
            corps, y0 = [], 4.0
        corps.append(_texte(gauche - 6, y0 + (h - h_libelle) / 2 + taille, libelle, taille, "end", interligne))
        for s, index in enumerate(g.series):
            valeur = float(_num(ligne[index]))
            w = max(zone * valeur / maximum, 0)
            y = y0 + (h - h_barres) / 2 + s * barre
            corps.append(f'<rect x="{gauche}" y="{y:.1f}" width="{w:.1f}" height="{barre - 2}" '
                         f'fill="{COULEURS[s % len(COULEURS)]}"/>')
            corps.append(_texte(gauche + w + 4, y + barre - 3.5, [formats[s](ligne[index])], 8.5))
        y0 += h + ecart
    parties.append(_fin_barres(g, corps, gauche, y0, avec_legende=True))
    return parties


def _fin_barres(g: Graphique, corps: list[str], gauche: float, y0: float, *, avec_legende: bool) -> str:
    """One part of a bar chart: its rows, the axis line, the legend under the last part."""
    axe = f'<line x1="{gauche}" y1="0" x2="{gauche}" y2="{y0 - 4:.1f}" stroke="#999" stroke-width="0.5"/>'
    legende, h_legende = _legende(g, y0 + 4) if avec_legende else ([], 0)
    return _svg(y0 + 8 + h_legende, [*corps, axe, *legende])


def _axe_x(g: Graphique, x_de, pas: float, y: float) -> tuple[list[str], float]:
    """The category labels under the plot (wrapped to the step's width). Returns (parts, height)."""
    parts, lignes_max = [], 1
    for r, ligne in enumerate(g.lignes):
        lignes = couper(ligne[0], max(pas - 4, 30), 9)
        lignes_max = max(lignes_max, len(lignes))
        parts.append(_texte(x_de(r), y, lignes, 9, "middle", 10.5))
    return parts, lignes_max * 10.5


def _colonnes(g: Graphique) -> str:
    """Vertical bars, one per row (years), the value above each bar."""
    haut, zone_h = 20, 170
    n = max(len(g.lignes), 1)
    pas = (LARGEUR - 40) / n
    index = g.series[0]
    maximum = max([float(_num(ligne[index])) for ligne in g.lignes] + [0]) or 1
    corps = []
    for r, ligne in enumerate(g.lignes):
        valeur = float(_num(ligne[index]))
        h = zone_h * valeur / maximum
        x = 20 + r * pas + pas * 0.15
        y = haut + zone_h - h
        corps.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{pas * 0.7:.1f}" height="{h:.1f}" fill="{COULEURS[0]}"/>')
        texte = FORMATTERS[g.colonnes[index].format](ligne[index])
        taille = 8.5 if largeur_texte(texte, 8.5) <= pas - 2 else max(5.0, round((pas - 2) / (len(texte) * EM), 1))
        corps.append(_texte(x + pas * 0.35, y - 4, [texte], taille, "middle"))
    corps.append(f'<line x1="15" y1="{haut + zone_h}" x2="{LARGEUR - 15}" y2="{haut + zone_h}" stroke="#999"/>')
    axe, h_axe = _axe_x(g, lambda r: 20 + r * pas + pas * 0.5, pas, haut + zone_h + 13)
    return _svg(haut + zone_h + 8 + h_axe, corps + axe)


def _ligne(g: Graphique) -> str:
    """Lines over the years, with a value axis graduated in round steps (whole numbers for counts)."""
    haut, zone_h = 15, 160
    valeurs = [float(_num(ligne[i])) for ligne in g.lignes for i in g.series]
    colonne = g.colonnes[g.series[0]]
    ticks = graduations(max(valeurs + [0]), entier=g.entier)
    maximum = ticks[-1] or 1
    etiquettes = [FORMATTERS[colonne.format](t) for t in ticks]
    gauche = max(largeur_texte(t, 8) for t in etiquettes) + 10
    n = max(len(g.lignes), 1)
    marge = 50  # the first and last points' labels are centred on them: half a label's width on each side
    pas = (LARGEUR - gauche - 2 * marge) / max(n - 1, 1)
    corps = []
    for t, texte in zip(ticks, etiquettes, strict=True):
        y = haut + zone_h * (1 - t / maximum)
        corps.append(f'<line x1="{gauche}" y1="{y:.1f}" x2="{LARGEUR - 10}" y2="{y:.1f}" stroke="#ddd"/>')
        corps.append(_texte(gauche - 4, y + 3, [texte], 8, "end"))
    for s, index in enumerate(g.series):
        couleur = COULEURS[s % len(COULEURS)]
        points = []
        for r, ligne in enumerate(g.lignes):
            if ligne[index] is None:
                continue
            x = gauche + marge + r * pas
            y = haut + zone_h * (1 - float(_num(ligne[index])) / maximum)
            points.append(f"{x:.1f},{y:.1f}")
            corps.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{couleur}"/>')
        if points:
            corps.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{couleur}" stroke-width="2"/>')
    axe, h_axe = _axe_x(g, lambda r: gauche + marge + r * pas, min(pas, 2 * marge), haut + zone_h + 14)
    y_legende = haut + zone_h + 8 + h_axe + 4
    legende, h_legende = _legende(g, y_legende)
    return _svg(y_legende + h_legende + 4, corps + axe + legende)


def graphique_svgs(g: Graphique) -> list[str]:
    """The chart as one SVG, or several for a bar chart too tall for a page; none for an empty chart."""
    if g.vide:
        return []
    if g.type == "barres":
        return _barres(g)
    return [{"colonnes": _colonnes, "ligne": _ligne}[g.type](g)]


def texte_alternatif(g: Graphique, partie: int = 1, parties: int = 1) -> str:
    suite = f" (partie {partie} sur {parties})" if parties > 1 else ""
    return f"Graphique : {g.titre}{suite}. Les chiffres sont dans le tableau qui suit."


def graphique_img(g: Graphique) -> str:
    """The chart as <img> (SVG data URI), each with its text alternative; empty for an empty chart."""
    svgs = graphique_svgs(g)
    images = []
    for i, svg in enumerate(svgs, start=1):
        donnees = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        images.append(f'<img class="graphique" src="data:image/svg+xml;base64,{donnees}" '
                      f'alt="{escape(texte_alternatif(g, i, len(svgs)))}">')
    return "".join(images)


_TEXTE = re.compile(r'<text x="([-\d.]+)" y="([-\d.]+)" font-size="([\d.]+)" text-anchor="(\w+)">(.*?)</text>')
_TSPAN = re.compile(r'<tspan x="[-\d.]+" dy="([-\d.]+)">(.*?)</tspan>')


def textes_hors_cadre(svg: str) -> list[str]:
    """The texts of a chart whose estimated box leaves the drawing (empty when every label fits)."""
    largeur, hauteur = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    hors = []
    for x, y, taille, ancre, contenu in _TEXTE.findall(svg):
        x, y, taille = float(x), float(y), float(taille)
        lignes = _TSPAN.findall(contenu) or [("0", contenu)]
        for dy, ligne in lignes:
            y += float(dy)
            w = largeur_texte(unescape(ligne), taille)
            debut = {"start": x, "middle": x - w / 2, "end": x - w}[ancre]
            if debut < 0 or debut + w > largeur or y - taille < 0 or y > hauteur:
                hors.append(unescape(ligne))
    return hors
