"""The public RSS feed of the forecast: texts typed by users are escaped once, as each RSS field needs. A title is
plain text (a reader shows it as is); a description is HTML (a reader renders it): its texts are HTML-escaped,
so a reader shows `<b>` instead of rendering bold text (or a script)."""

import html
import xml.etree.ElementTree as ET

from django.urls import reverse

from tests.core.factories import OrganisationFactory
from tests.spaser.factories import ProgrammationFactory

TEXTE = '<b>&"'


def test_rss_texts_are_escaped_once(client, db):
    acheteur = OrganisationFactory(instance=True, nom=f"Acheteur {TEXTE}")
    ProgrammationFactory(acheteur=acheteur, objet=f"Objet {TEXTE}")
    response = client.get(reverse("spaser:public_programmation_rss"))
    assert response.status_code == 200
    [item] = ET.fromstring(response.content).iter("item")
    titre = item.findtext("title")
    assert titre.startswith(f"Objet {TEXTE} (")  # plain text: the XML parser gives back the typed text
    description = item.findtext("description")
    assert "<b>" not in description and "Acheteur &lt;b&gt;&amp;&quot;" in description  # HTML, escaped once
    assert f"Acheteur : Acheteur {TEXTE}" in html.unescape(description)  # a reader shows the typed text
