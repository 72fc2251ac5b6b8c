"""A partner sees only its own contracts in each output of its convention; no figure shown outside the
facilitators points at one or two people; the bilan's purchases from inclusive structures are this buyer's, at
the structures' own amounts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from bilans.pdf import bilan_pdf
from bilans.resultats import Bloc
from bilans.selectors import SEUIL_SECRET_COMMUNE, indicateurs_annuels, secret_statistique
from core.enums import Role
from marches.enums import RoleEntreprise, TypeStructure
from marches.models import Marche
from tests.bilans.helpers import normalise, page_chiffres, pdf_text, xlsx_text
from tests.clauses.factories import ClauseMarcheFactory
from tests.core.factories import OrganisationFactory, UserFactory
from tests.facilitateurs.factories import ConventionFactory, HeuresMensuellesFactory, ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db
D = Decimal


# --------------------------------------------------------------------------- partner scope


def _sorties_partenaire(client, jeu):
    """What the partner gets for its convention: the convention page, the engine, the XLSX and the PDF."""
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=jeu.partenaire))
    page = client.get(reverse("facilitateurs:convention_detail", args=[jeu.convention.pk])).content.decode()
    data = indicateurs_annuels(annee=2025, convention=jeu.convention)
    xlsx = xlsx_text(page_chiffres(client, reverse("bilans:export"), {"annee": 2025, "convention": jeu.convention.pk}).content)
    pdf = pdf_text(bilan_pdf(acheteur=jeu.partenaire, annee=2025, convention=jeu.convention))
    return page, data, xlsx, pdf


def test_a_contract_whose_buyer_changed_leaves_the_partners_convention_outputs(client, jeu):
    page, data, xlsx, pdf = _sorties_partenaire(client, jeu)
    assert jeu.m6.identifiant in page and jeu.m6.identifiant in xlsx and jeu.m6.identifiant in pdf
    assert data.heures_realisees == D("300")
    # The contract moves to another buyer (a register or DECP import, a correction) while still attached.
    Marche.objects.filter(pk=jeu.m6.pk).update(acheteur=OrganisationFactory(partenaire=True, nom="Autre acheteur"))
    page, data, xlsx, pdf = _sorties_partenaire(client, jeu)
    assert jeu.m6.identifiant not in page
    assert jeu.m6.identifiant not in xlsx
    assert jeu.m6.identifiant not in pdf
    assert data.heures_realisees == 0 and data.heures_requises == 0 and data.participants == 0
    assert data.marches_notifies.nombre == 0 and data.marches_clause_liste == ()
    assert data.sorties.total == 0


def test_the_partners_convention_list_counts_only_its_contracts(client, jeu):
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=jeu.partenaire))
    url = reverse("facilitateurs:conventions")
    assert [c.nb_marches for c in client.get(url).context["object_list"]] == [1]
    Marche.objects.filter(pk=jeu.m6.pk).update(acheteur=jeu.instance)
    assert [c.nb_marches for c in client.get(url).context["object_list"]] == [0]


def test_facilitators_are_told_which_attached_contracts_changed_buyer(client, jeu):
    Marche.objects.filter(pk=jeu.m6.pk).update(acheteur=jeu.instance)
    client.force_login(UserFactory(role=Role.FACILITATEUR, organisation=jeu.instance))
    html = normalise(client.get(reverse("facilitateurs:convention_detail", args=[jeu.convention.pk])).content.decode())
    assert 'data-testid="marches-detaches"' in html and f"{jeu.m6.identifiant} ({jeu.instance.nom})" in html
    assert "Aucun marché rattaché" in html  # its figures are not the partner's any more


# --------------------------------------------------------------------------- small numbers


@pytest.fixture
def communes(jeu):
    """A convention of the partner: Aire (3 people with hours), Biscarrosse (2 people with hours and a third one
    whose only row is 0 h: 2 people), Capbreton (1 person)."""
    marche = MarcheFactory(acheteur=jeu.partenaire, identifiant="PART-COMMUNES")
    ClauseMarcheFactory(marche=marche, heures_requises=D("1000"), heures_forcees=D("1000"))
    convention = ConventionFactory(partenaire=jeu.partenaire)
    convention.marches.add(marche)
    entreprise = EntrepriseFactory()
    for commune, heures in (("Aire", (10, 20, 30)), ("Biscarrosse", (40, 50, 0)), ("Capbreton", (70,))):
        for h in heures:
            HeuresMensuellesFactory(marche=marche, entreprise=entreprise, mois=datetime.date(2025, 4, 1),
                                    participant=ParticipantFactory(commune=commune, code_postal=""), heures=D(h))
    return convention


AUTRES = f"Autres communes ou non renseignée (moins de {SEUIL_SECRET_COMMUNE} personnes par commune)"


def test_the_engine_groups_communes_under_three_people_with_hours(jeu, communes):
    lignes = indicateurs_annuels(annee=2025, convention=communes).heures_par_commune
    assert [(r.commune, r.participants, r.heures) for r in lignes] == [
        ("Aire", 3, D("60")), (AUTRES, 3, D("160"))]


def _tableau_communes(client, user, convention):
    client.force_login(user)
    html = client.get(reverse("facilitateurs:convention_detail", args=[convention.pk])).content.decode()
    tableau = html.split('data-testid="heures-par-commune"')[1].split("</table>")[0]
    return normalise(re.sub(r"<[^>]+>", "", tableau.replace("</tr>", " ; ").replace("</td>", " | ")))


@pytest.mark.parametrize("role", [Role.PARTENAIRE, Role.ELU, Role.DCP])
def test_convention_communes_are_grouped_outside_the_facilitators(client, jeu, communes, role):
    user = UserFactory(role=role, organisation=jeu.partenaire if role == Role.PARTENAIRE else jeu.instance)
    tableau = _tableau_communes(client, user, communes)
    assert "Aire | 3 | 60 h" in tableau
    assert f"{AUTRES} | 3 | 160 h" in tableau
    assert "Biscarrosse" not in tableau and "Capbreton" not in tableau


def test_facilitators_see_every_commune_with_its_people(client, jeu, communes):
    tableau = _tableau_communes(client, UserFactory(role=Role.FACILITATEUR, organisation=jeu.instance), communes)
    assert "Aire | 3 | 60 h" in tableau
    assert "Biscarrosse | 2 | 90 h" in tableau  # the 0 h participant is nobody
    assert "Capbreton | 1 | 70 h" in tableau
    assert "Autres communes" not in tableau


def test_dashboard_pdf_and_xlsx_of_the_convention_never_name_a_small_commune(client, jeu, communes):
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=jeu.partenaire))
    query = {"annee": 2025, "convention": communes.pk}
    html = page_chiffres(client, reverse("bilans:dashboard"), query).content.decode()
    xlsx = xlsx_text(page_chiffres(client, reverse("bilans:export"), {**query, "graphique": "heures_commune"}).content)
    pdf = pdf_text(bilan_pdf(acheteur=jeu.partenaire, annee=2025, convention=communes))
    for sortie in (html, xlsx, pdf):
        assert "Aire" in sortie and "Biscarrosse" not in sortie and "Capbreton" not in sortie


def test_secret_rule_keeps_rows_that_are_not_about_people():
    lignes = [{"commune": "Dax", "participants": 2, "heures": D("5")},
              {"commune": "Sans participant", "participants": None, "heures": D("9")},
              {"commune": "", "participants": 4, "heures": D("1")},
              {"commune": "Pau", "participants": 3, "heures": D("7")}]
    result = secret_statistique(lignes, cle="commune", libelle_autres="Autres")
    assert result == [{"commune": "Sans participant", "participants": None, "heures": D("9")},
                      {"commune": "Pau", "participants": 3, "heures": D("7")},
                      {"commune": "Autres", "participants": 6, "heures": D("6.00")}]


# --------------------------------------------------------------------------- purchases from inclusive structures


def test_another_buyers_siae_contracts_do_not_count_in_this_buyers_purchases(jeu):
    """The jeu: M3 (30 000 €, the instance) has an EI awardee. The partner's M6 gets one too."""
    AttributionFactory(marche=jeu.m6, entreprise=EntrepriseFactory(type_structure=TypeStructure.ACI))
    instance = indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    assert instance.achats_siae == Bloc(1, D("30000"))
    partenaire = indicateurs_annuels(acheteur=jeu.partenaire, annee=2025)
    assert partenaire.achats_siae == Bloc(1, D("999999"))


def test_a_sub_contractor_without_an_amount_counts_the_contract_not_its_amount(jeu):
    """M4 (20 000 €) declares an SIAE sub-contractor without an amount: one more contract, 0 € more (its share is
    unknown); M2 (50 000 €) declares one for 8 000 €: its own amount."""
    siae = EntrepriseFactory(type_structure=TypeStructure.EI)
    AttributionFactory(marche=jeu.m4, entreprise=siae, role=RoleEntreprise.SOUS_TRAITANT, montant_ht=None)
    AttributionFactory(marche=jeu.m2, entreprise=siae, role=RoleEntreprise.SOUS_TRAITANT, montant_ht=D("8000"))
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    assert data.achats_siae == Bloc(3, D("38000"))
    assert data.achats_ess == Bloc(3, D("38000"))
