"""What only a browser shows: the copy button, the flat-variant toggle and the diagnosis chart."""

from decimal import Decimal

import pytest

from clauses.enums import TypeClause
from clauses.models import ClauseMarche, ClauseModele, FamilleAchat
from core.models import Organisation
from demo.clauses import seed_referentiel
from demo.organisations import seed as seed_core
from marches.services import clause_marche_enregistrer
from tests.browser.connexion import connecter
from tests.marches.factories import MarcheFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def test_copy_toggle_and_chart(live_server, page):
    seed_core()
    seed_referentiel()
    famille = FamilleAchat.objects.get(nom="Bâtiment — gros œuvre")
    marche = MarcheFactory(acheteur=Organisation.objects.get(siret="22400001800016"), famille=famille,
                           montant_ht=Decimal("1000000"))
    modele = ClauseModele.objects.get(titre="Action d'insertion professionnelle — heures calculées")
    clause = clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION,
                                                    version=modele.version_courante))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    connecter(page, live_server, "dcp")

    page.goto(f"{live_server.url}/clauses/marche/{marche.pk}/")
    page.get_by_role("button", name="Copier").click()
    page.wait_for_selector("button:has-text('Copié')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "833\u00a0h" in copied and "{heures_requises}" not in copied

    page.goto(f"{live_server.url}/clauses/clause/{clause.pk}/modifier/")
    assert page.locator("#div_id_euros_par_heure").is_hidden()
    page.select_option("#id_mode_calcul", "forfait")
    assert page.locator("#div_id_euros_par_heure").is_visible()
    assert page.locator("#div_id_taux_pct").is_hidden()

    nettoyage = FamilleAchat.objects.get(nom="Nettoyage")
    page.goto(f"{live_server.url}/clauses/diagnostics/famille/{nettoyage.pk}/")
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-diagnostic')) !== undefined")
    series = page.evaluate("Chart.getChart(document.getElementById('chart-diagnostic')).data.datasets.length")
    assert series == 3

    # The drafting advisor include, as a contract form would use it.
    from django.template.loader import render_to_string

    html = render_to_string("clauses/_conseil_brouillon.html")
    markup = html.split("<script")[0]  # the script is a static file (the CSP allows no inline one)
    options = "".join(f'<option value="{f.pk}">{f.nom}</option>' for f in FamilleAchat.objects.all())
    page.goto(f"{live_server.url}/clauses/")
    page.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)",
                  '<input id="id_code_cpv" value="45210000-2"><select id="id_famille"><option value=""></option>'
                  + options + '</select><input id="id_montant_ht" value="6000000">'
                  '<input id="id_date_lancement" type="date" value="2026-09-01">' + markup)
    page.add_script_tag(url=f"{live_server.url}/static/js/conseil-brouillon.js")
    page.wait_for_selector("#conseil-brouillon .card")
    # The family is suggested from the CPV by a second request, which may answer after the first advice.
    page.wait_for_function("() => document.getElementById('id_famille').value !== ''")
    assert page.locator("#id_famille").input_value() == str(famille.pk)  # suggested from the CPV
    # The advice for that family follows (a third request): wait for it rather than read the first one.
    page.wait_for_function("() => document.getElementById('conseil-brouillon').innerText.includes('L2112-2-1')", timeout=10000)
    text = page.locator("#conseil-brouillon").inner_text()
    assert "Obligatoire" in text and "L2112-2-1" in text
