"""Charts as inline SVG, drawn on the server for the PDF (WeasyPrint runs no JavaScript)."""

from html import escape

from .graphiques import FORMATTERS, Graphique, _num

COULEURS = ["#1f5f8b", "#e07b39", "#4e9a57", "#8e5ea2", "#c0392b"]
LARGEUR = 680


def _t(text, limit=48):
    text = str(text)
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def _legende(g: Graphique, y: int) -> str:
    if len(g.series) < 2:
        return ""
    parts, x = [], 10
    for i, index in enumerate(g.series):
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{COULEURS[i % len(COULEURS)]}"/>'
                     f'<text x="{x + 14}" y="{y + 9}" font-size="9">{_t(g.colonnes[index].titre, 40)}</text>')
        x += 20 + 6 * len(g.colonnes[index].titre[:40])
    return "".join(parts)


def _barres(g: Graphique) -> str:
    n_series = len(g.series)
    barre, ecart = 11, 7
    hauteur_ligne = n_series * barre + ecart
    gauche, droite = 230, 110
    zone = LARGEUR - gauche - droite
    maximum = max([float(_num(ligne[i])) for ligne in g.lignes for i in g.series] + [0]) or 1
    hauteur = len(g.lignes) * hauteur_ligne + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LARGEUR}" height="{hauteur}" '
           f'viewBox="0 0 {LARGEUR} {hauteur}" font-family="DejaVu Sans, sans-serif">']
    for r, ligne in enumerate(g.lignes):
        y0 = 5 + r * hauteur_ligne
        out.append(f'<text x="{gauche - 6}" y="{y0 + n_series * barre / 2 + 3}" font-size="9" '
                   f'text-anchor="end">{_t(ligne[0])}</text>')
        for s, index in enumerate(g.series):
            valeur = float(_num(ligne[index]))
            w = max(zone * valeur / maximum, 0)
            y = y0 + s * barre
            out.append(f'<rect x="{gauche}" y="{y}" width="{w:.1f}" height="{barre - 2}" '
                       f'fill="{COULEURS[s % len(COULEURS)]}"/>')
            texte = FORMATTERS[g.colonnes[index].format](ligne[index])
            out.append(f'<text x="{gauche + w + 4:.1f}" y="{y + barre - 4}" font-size="8.5">{escape(texte)}</text>')
    out.append(f'<line x1="{gauche}" y1="0" x2="{gauche}" y2="{hauteur - 25}" stroke="#999" stroke-width="0.5"/>')
    out.append(_legende(g, hauteur - 15))
    out.append("</svg>")
    return "".join(out)


def _colonnes(g: Graphique) -> str:
    hauteur, bas, haut = 220, 30, 20
    zone_h = hauteur - bas - haut
    n = max(len(g.lignes), 1)
    pas = (LARGEUR - 40) / n
    index = g.series[0]
    maximum = max([float(_num(ligne[index])) for ligne in g.lignes] + [0]) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LARGEUR}" height="{hauteur}" '
           f'viewBox="0 0 {LARGEUR} {hauteur}" font-family="DejaVu Sans, sans-serif">']
    for r, ligne in enumerate(g.lignes):
        valeur = float(_num(ligne[index]))
        h = zone_h * valeur / maximum
        x = 20 + r * pas + pas * 0.15
        y = haut + zone_h - h
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{pas * 0.7:.1f}" height="{h:.1f}" fill="{COULEURS[0]}"/>')
        texte = FORMATTERS[g.colonnes[index].format](ligne[index])
        out.append(f'<text x="{x + pas * 0.35:.1f}" y="{y - 4:.1f}" font-size="8.5" '
                   f'text-anchor="middle">{escape(texte)}</text>')
        out.append(f'<text x="{x + pas * 0.35:.1f}" y="{hauteur - 12}" font-size="9" '
                   f'text-anchor="middle">{_t(ligne[0], 12)}</text>')
    out.append(f'<line x1="15" y1="{haut + zone_h}" x2="{LARGEUR - 15}" y2="{haut + zone_h}" stroke="#999"/>')
    out.append("</svg>")
    return "".join(out)


def _ligne(g: Graphique) -> str:
    hauteur, bas, haut, gauche = 220, 45, 15, 45
    zone_h = hauteur - bas - haut
    n = max(len(g.lignes), 1)
    pas = (LARGEUR - gauche - 20) / max(n - 1, 1)
    valeurs = [float(_num(ligne[i])) for ligne in g.lignes for i in g.series]
    maximum = max(valeurs + [0]) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LARGEUR}" height="{hauteur}" '
           f'viewBox="0 0 {LARGEUR} {hauteur}" font-family="DejaVu Sans, sans-serif">']
    for frac in (0, 0.5, 1):
        y = haut + zone_h * (1 - frac)
        out.append(f'<line x1="{gauche}" y1="{y:.1f}" x2="{LARGEUR - 10}" y2="{y:.1f}" stroke="#ddd"/>')
        texte = FORMATTERS[g.colonnes[g.series[0]].format](maximum * frac)
        out.append(f'<text x="{gauche - 4}" y="{y + 3:.1f}" font-size="8" text-anchor="end">{escape(texte)}</text>')
    for s, index in enumerate(g.series):
        points = []
        for r, ligne in enumerate(g.lignes):
            if ligne[index] is None:
                continue
            x = gauche + r * pas
            y = haut + zone_h * (1 - float(_num(ligne[index])) / maximum)
            points.append(f"{x:.1f},{y:.1f}")
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{COULEURS[s % len(COULEURS)]}"/>')
        if points:
            out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{COULEURS[s % len(COULEURS)]}" '
                       'stroke-width="2"/>')
    for r, ligne in enumerate(g.lignes):
        out.append(f'<text x="{gauche + r * pas:.1f}" y="{haut + zone_h + 14}" font-size="9" '
                   f'text-anchor="middle">{_t(ligne[0], 12)}</text>')
    out.append(_legende(g, hauteur - 14))
    out.append("</svg>")
    return "".join(out)


def graphique_svg(g: Graphique) -> str:
    if g.vide:
        return ""
    return {"barres": _barres, "colonnes": _colonnes, "ligne": _ligne}[g.type](g)
