"""Each import page offers a template file; files may name modalities, contract types, sexes and publics by
their code or by the label the screens show; the template itself imports."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.enums import Role
from facilitateurs.enums import Modalite, Public, TypeContrat
from facilitateurs.imports import import_heures, import_participants, modele_fichier
from facilitateurs.models import Eligibilite, HeuresMensuelles, Participant
from tests.core.factories import OrganisationFactory, UserFactory
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


def _ecrire(tmp_path, nom, contenu: bytes) -> str:
    path = tmp_path / nom
    path.write_bytes(contenu)
    return str(path)


def test_upload_page_links_both_templates_in_both_formats(client):
    client.force_login(UserFactory(role=Role.FACILITATEUR, organisation=OrganisationFactory(instance=True)))
    html = client.get(reverse("facilitateurs:import_upload")).content.decode()
    for type_ in ("heures", "participants"):
        for format_ in ("csv", "xlsx"):
            url = reverse("facilitateurs:import_modele", args=[type_, format_])
            assert f'href="{url}"' in html
            response = client.get(url)
            assert response.status_code == 200
            assert f'filename="modele-{type_}.{format_}"' in response["Content-Disposition"]
    assert client.get("/facilitateurs/imports/modele-autre.csv").status_code == 404
    assert client.get("/facilitateurs/imports/modele-heures.pdf").status_code == 404


def test_xlsx_template_lists_every_code_with_its_label():
    workbook = load_workbook(io.BytesIO(modele_fichier("heures", "xlsx")))
    valeurs = [tuple(row) for row in workbook["Valeurs possibles"].iter_rows(values_only=True)][1:]
    assert ("modalite", "EMBAUCHE_DIRECTE", "Embauche directe") in valeurs
    assert ("type_contrat", "CDDI", "CDDI (insertion)") in valeurs
    assert len(valeurs) == len(Modalite.values) + len(TypeContrat.values)
    workbook = load_workbook(io.BytesIO(modele_fichier("participants", "xlsx")))
    valeurs = [tuple(row) for row in workbook["Valeurs possibles"].iter_rows(values_only=True)][1:]
    assert ("publics", "SENIOR_50", "Senior de 50 ans et plus") in valeurs


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_the_hours_template_imports_with_its_labels(tmp_path, format_):
    acheteur = OrganisationFactory(instance=True)
    marche = MarcheFactory(acheteur=acheteur, identifiant="2026-0001")
    ParticipantFactory(code="P-0001")
    resultat = import_heures(_ecrire(tmp_path, f"modele.{format_}", modele_fichier("heures", format_)))
    assert resultat.ok, resultat.messages_erreurs()
    direct = HeuresMensuelles.objects.get(marche=marche, participant__code="P-0001")
    assert (direct.modalite, direct.type_contrat, direct.heures) == (
        Modalite.EMBAUCHE_DIRECTE, TypeContrat.CDDI, Decimal("151.67"))
    siae = HeuresMensuelles.objects.get(marche=marche, participant__isnull=True)
    assert (siae.modalite, siae.montant_ht) == (Modalite.SOUS_TRAITANCE_SIAE, Decimal("4500"))


def test_the_participants_template_imports_with_its_labels(tmp_path):
    resultat = import_participants(_ecrire(tmp_path, "p.csv", modele_fichier("participants", "csv")))
    assert resultat.ok, resultat.messages_erreurs()
    participant = Participant.objects.get(code="P-0001")
    assert participant.sexe == "F"
    assert set(Eligibilite.objects.filter(participant=participant).values_list("public", flat=True)) == {
        Public.RSA, Public.DELD}


def test_codes_and_labels_are_both_accepted_case_and_spaces_ignored(tmp_path):
    acheteur = OrganisationFactory(instance=True)
    MarcheFactory(acheteur=acheteur, identifiant="M1")
    ParticipantFactory(code="A1")
    ParticipantFactory(code="A2")
    entete = ("acheteur_siret;marche_id;entreprise_siret;entreprise_nom;entreprise_code_postal;participant_code;"
              "mois;heures;modalite;type_contrat")
    lignes = [entete,
              f"{acheteur.siret};M1;73282932000074;Bâti;40100;A1;2026-01;35;embauche  DIRECTE;cddi (Insertion)",
              f"{acheteur.siret};M1;73282932000074;Bâti;40100;A2;2026-01;35;EMBAUCHE_DIRECTE;CDDI",
              f"{acheteur.siret};M1;73282932000074;Bâti;40100;A2;2026-02;35;Embauche;CDD"]
    resultat = import_heures(_ecrire(tmp_path, "h.csv", "\n".join(lignes).encode()), dry_run=True)
    assert [(p.ligne, p.colonne) for p in resultat.erreurs] == [(4, "modalite")]
    assert "modalité inconnue « Embauche »" in resultat.messages_erreurs()[0]
    resultat = import_heures(_ecrire(tmp_path, "h2.csv", "\n".join(lignes[:3]).encode()))
    assert resultat.ok
    assert set(HeuresMensuelles.objects.values_list("modalite", "type_contrat")) == {
        (Modalite.EMBAUCHE_DIRECTE, TypeContrat.CDDI)}
