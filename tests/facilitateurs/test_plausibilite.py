"""Plausibility of the hours at entry (issue "Trust"): at most settings.SPASER['HEURES_MAX_PAR_MOIS'] hours per
participant and month, all contracts together; no hours outside the participant's placement; an hours file
with two rows for one key is refused. The same rule (facilitateurs.services.heures_anomalies) on every path:
the monthly grid, the import (preview and confirm), the heures_enregistrer service."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.enums import Role
from core.models import ImportJournal
from facilitateurs import services
from facilitateurs.imports import import_heures
from facilitateurs.models import HeuresMensuelles, MiseEnEmploi
from tests.clauses.factories import ClauseMarcheFactory
from tests.core.factories import OrganisationFactory, UserFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory, ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db

MARS = datetime.date(2026, 3, 1)
LOI = "au plus 208\u00a0h par personne et par mois (48 h par semaine, durée maximale légale, art. L3121-20 du Code du travail)"
HEADER = ("acheteur_siret;marche_id;entreprise_siret;entreprise_nom;entreprise_code_postal;participant_code;"
          "mois;heures;modalite;type_contrat;montant_ht")


@pytest.fixture
def ctx():
    acheteur = OrganisationFactory(instance=True)
    marche = MarcheFactory(acheteur=acheteur, identifiant="PL-1")
    autre = MarcheFactory(acheteur=acheteur, identifiant="PL-2")
    entreprise = EntrepriseFactory(nom="Bâti Sud")
    AttributionFactory(marche=marche, entreprise=entreprise)
    participant = ParticipantFactory(code="PL-P1")
    return {"acheteur": acheteur, "marche": marche, "autre": autre, "entreprise": entreprise,
            "participant": participant, "user": UserFactory(role=Role.FACILITATEUR)}


def _placement(ctx, debut, fin=None, modalite="EMBAUCHE_DIRECTE"):
    return MiseEnEmploi.objects.create(participant=ctx["participant"], entreprise=ctx["entreprise"],
                                       marche=ctx["marche"], modalite=modalite, type_contrat="CDD", date_debut=debut,
                                       date_fin=fin)


# The rule itself ---------------------------------------------------------------------------------------

def _saisie(ctx, heures, mois=MARS, marche="marche", modalite="EMBAUCHE_DIRECTE", ref=None):
    return services.HeuresSaisies(marche_id=ctx[marche].pk, participant_id=ctx["participant"].pk,
                                  entreprise_id=ctx["entreprise"].pk, mois=mois, modalite=modalite,
                                  heures=Decimal(heures), ref=ref)


def test_monthly_maximum_is_the_sum_over_contracts_and_exactly_208_is_allowed(ctx):
    HeuresMensuellesFactory(marche=ctx["autre"], participant=ctx["participant"], entreprise=ctx["entreprise"],
                            mois=MARS, heures=Decimal("150"))
    assert services.heures_anomalies([_saisie(ctx, "58")]) == []
    [anomalie] = services.heures_anomalies([_saisie(ctx, "58.01", ref="ici")])
    assert anomalie.refs == ["ici"] and anomalie.colonne == "heures"
    assert anomalie.message == (
        "PL-P1 : 208,01\u00a0h déclarées pour mars 2026 (dont 150\u00a0h déjà enregistrées sur d'autres relevés) : "
        + LOI)
    # Another month, or another participant, does not count.
    assert services.heures_anomalies([_saisie(ctx, "200", mois=datetime.date(2026, 4, 1))]) == []


def test_a_row_replacing_its_stored_value_is_not_counted_twice(ctx):
    HeuresMensuellesFactory(marche=ctx["marche"], participant=ctx["participant"], entreprise=ctx["entreprise"],
                            mois=MARS, heures=Decimal("150"))
    assert services.heures_anomalies([_saisie(ctx, "160")]) == []


def test_the_maximum_is_a_setting(ctx, settings):
    settings.SPASER = {**settings.SPASER, "HEURES_MAX_PAR_MOIS": 151.67}
    assert services.heures_anomalies([_saisie(ctx, "151.67")]) == []
    [anomalie] = services.heures_anomalies([_saisie(ctx, "152")])
    assert "au plus 151,67\u00a0h par personne et par mois" in anomalie.message


def test_rows_without_participant_are_a_company_total_and_not_capped(ctx):
    ligne = services.HeuresSaisies(marche_id=ctx["marche"].pk, participant_id=None,
                                   entreprise_id=ctx["entreprise"].pk, mois=MARS, modalite="SOUS_TRAITANCE_SIAE",
                                   heures=Decimal("600"))
    assert services.heures_anomalies([ligne]) == []


def test_no_hours_before_the_placement_starts_or_after_it_ends(ctx):
    _placement(ctx, datetime.date(2026, 3, 20), datetime.date(2026, 5, 10))
    avant, fin = datetime.date(2026, 2, 1), datetime.date(2026, 6, 1)
    assert services.heures_anomalies([_saisie(ctx, "20", mois=MARS),  # starts within the month
                                      _saisie(ctx, "20", mois=datetime.date(2026, 5, 1))]) == []  # ends within it
    [anomalie] = services.heures_anomalies([_saisie(ctx, "20", mois=avant, ref=2)])
    assert anomalie.refs == [2] and anomalie.colonne == "mois"
    assert anomalie.message == (
        "PL-P1 : 20\u00a0h en février 2026, hors de la mise en emploi chez Bâti Sud (du 20/03/2026 au 10/05/2026) : "
        "aucune heure avant le début ni après la fin de l'emploi")
    assert len(services.heures_anomalies([_saisie(ctx, "20", mois=fin)])) == 1
    assert services.heures_anomalies([_saisie(ctx, "0", mois=fin)]) == []  # an erased month is not hours
    # Only the placement of the row's key: the same person's training has none, so it is not checked here.
    assert services.heures_anomalies([_saisie(ctx, "20", mois=avant, modalite="FORMATION")]) == []


def test_a_second_placement_covers_its_own_months(ctx):
    _placement(ctx, datetime.date(2025, 1, 6), datetime.date(2025, 3, 31))
    _placement(ctx, datetime.date(2026, 2, 2))
    assert services.heures_anomalies([_saisie(ctx, "20", mois=MARS)]) == []
    [anomalie] = services.heures_anomalies([_saisie(ctx, "20", mois=datetime.date(2025, 6, 1))])
    assert "(du 06/01/2025 au 31/03/2025 ; depuis le 02/02/2026)" in anomalie.message


def test_heures_upsert_refuses_and_writes_nothing(ctx):
    _placement(ctx, datetime.date(2026, 4, 1))
    with pytest.raises(services.HeuresInvraisemblables):
        services.heures_enregistrer(marche=ctx["marche"], entreprise=ctx["entreprise"], participant=ctx["participant"],
                               mois=MARS, modalite="EMBAUCHE_DIRECTE", heures=Decimal("20"))
    with pytest.raises(services.HeuresInvraisemblables):
        services.heures_enregistrer(marche=ctx["marche"], entreprise=ctx["entreprise"], participant=ctx["participant"],
                               mois=datetime.date(2026, 4, 1), modalite="EMBAUCHE_DIRECTE", heures=Decimal("209"))
    assert not HeuresMensuelles.objects.exists()


# The monthly grid --------------------------------------------------------------------------------------

def _grid_post(client, ctx, mois, *lignes):
    data = {"mois": mois, "form-TOTAL_FORMS": str(len(lignes)), "form-INITIAL_FORMS": "0"}
    for i, (code, modalite, heures) in enumerate(lignes):
        data.update({f"form-{i}-participant_code": code, f"form-{i}-entreprise": str(ctx["entreprise"].pk),
                     f"form-{i}-modalite": modalite, f"form-{i}-type_contrat": "CDD", f"form-{i}-heures": heures})
    return client.post(reverse("facilitateurs:grille", args=[ctx["marche"].pk]), data)


def test_grid_refuses_more_than_the_maximum_over_all_contracts(client, ctx):
    HeuresMensuellesFactory(marche=ctx["autre"], participant=ctx["participant"], entreprise=ctx["entreprise"],
                            mois=MARS, heures=Decimal("150"))
    client.force_login(ctx["user"])
    page = client.get(reverse("facilitateurs:grille", args=[ctx["marche"].pk]) + "?mois=2026-03").content.decode()
    assert "Au plus 208\u00a0h par personne et par mois, tous marchés confondus" in page
    response = _grid_post(client, ctx, "2026-03", ("PL-P1", "EMBAUCHE_DIRECTE", "50"), ("PL-P1", "FORMATION", "30"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "PL-P1 : 230\u00a0h déclarées pour mars 2026 (dont 150\u00a0h déjà enregistrées" in html
    assert "art. L3121-20 du Code du travail" in html
    assert HeuresMensuelles.objects.filter(marche=ctx["marche"]).count() == 0
    response = _grid_post(client, ctx, "2026-03", ("PL-P1", "EMBAUCHE_DIRECTE", "28"), ("PL-P1", "FORMATION", "30"))
    assert response.status_code == 302
    assert sorted(HeuresMensuelles.objects.filter(marche=ctx["marche"]).values_list("heures", flat=True)) == [
        Decimal("28"), Decimal("30")]


def test_grid_refuses_hours_outside_the_placement(client, ctx):
    _placement(ctx, datetime.date(2026, 4, 7), datetime.date(2026, 9, 30))
    client.force_login(ctx["user"])
    response = _grid_post(client, ctx, "2026-03", ("PL-P1", "EMBAUCHE_DIRECTE", "35"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "35\u00a0h en mars 2026, hors de la mise en emploi chez Bâti Sud (du 07/04/2026 au 30/09/2026)" in html
    assert not HeuresMensuelles.objects.exists()
    assert _grid_post(client, ctx, "2026-04", ("PL-P1", "EMBAUCHE_DIRECTE", "35")).status_code == 302
    assert HeuresMensuelles.objects.get().mois == datetime.date(2026, 4, 1)


def test_grid_service_is_the_last_guard(ctx):
    with pytest.raises(services.HeuresInvraisemblables):
        services.heures_grille_enregistrer(marche=ctx["marche"], mois=MARS, lignes=[
            {"participant": ctx["participant"], "entreprise": ctx["entreprise"], "modalite": "EMBAUCHE_DIRECTE",
             "heures": Decimal("300")}])
    assert not HeuresMensuelles.objects.exists()


# The import --------------------------------------------------------------------------------------------

def _file(tmp_path, ctx, *lignes, nom="heures.csv"):
    a, e = ctx["acheteur"].siret, ctx["entreprise"].siret
    body = [f"{a};{marche};{e};Bâti Sud;40100;{code};{mois};{heures};{modalite};CDD;{montant}"
            for marche, code, mois, heures, modalite, montant in lignes]
    path = tmp_path / nom
    path.write_text("\n".join([HEADER, *body]) + "\n", encoding="utf-8")
    return str(path)


def test_import_refuses_two_rows_for_one_key_naming_both(ctx, tmp_path):
    path = _file(tmp_path, ctx, ("PL-1", "PL-P1", "2026-03", "35", "EMBAUCHE_DIRECTE", ""),
                 ("PL-1", "PL-P1", "2026-04", "35", "EMBAUCHE_DIRECTE", ""),
                 ("PL-1", "PL-P1", "2026-03", "40", "EMBAUCHE_DIRECTE", ""))
    resultat = import_heures(path, user=ctx["user"], nom="heures.csv")
    assert not resultat.enregistre and not HeuresMensuelles.objects.exists() and not ImportJournal.objects.exists()
    [message] = resultat.messages_erreurs()
    assert message.startswith("heures.csv : ligne 4, colonne « marche_id, entreprise_siret, participant_code, mois, "
                              "modalite » : ligne en double : même marché, entreprise, participant, mois et modalité "
                              "que la ligne 2 (PL-1, ")
    assert "gardez une seule des lignes 2 et 4" in message


def test_import_refuses_two_amount_rows_for_one_siae_key(ctx, tmp_path):
    path = _file(tmp_path, ctx, ("PL-1", "", "2026-03", "", "SOUS_TRAITANCE_SIAE", "3000"),
                 ("PL-1", "", "2026-03", "", "SOUS_TRAITANCE_SIAE", "1500"))
    resultat = import_heures(path, user=ctx["user"], nom="heures.csv")
    assert [(e.ligne, "sans participant" in e.raison) for e in resultat.erreurs] == [(3, True)]
    assert not HeuresMensuelles.objects.exists()


def test_import_refuses_more_than_the_maximum_naming_the_rows(ctx, tmp_path):
    HeuresMensuellesFactory(marche=ctx["autre"], participant=ctx["participant"], entreprise=ctx["entreprise"],
                            mois=datetime.date(2026, 4, 1), heures=Decimal("100"))
    path = _file(tmp_path, ctx, ("PL-1", "PL-P1", "2026-03", "120", "EMBAUCHE_DIRECTE", ""),
                 ("PL-1", "PL-P1", "2026-04", "100", "EMBAUCHE_DIRECTE", ""),
                 ("PL-2", "PL-P1", "2026-03", "110", "EMBAUCHE_DIRECTE", ""))
    for dry_run in (True, False):
        resultat = import_heures(path, user=ctx["user"], nom="heures.csv", dry_run=dry_run)
        assert resultat.messages_erreurs() == [
            "heures.csv : ligne 2, colonne « heures » : PL-P1 : 230\u00a0h déclarées pour mars 2026 : " + LOI
            + " (lignes 2, 4 du fichier)"]
    assert HeuresMensuelles.objects.count() == 1 and not ImportJournal.objects.exists()
    # Within the maximum (with the 100 h already stored in April: 208 h): written.
    path = _file(tmp_path, ctx, ("PL-1", "PL-P1", "2026-03", "120", "EMBAUCHE_DIRECTE", ""),
                 ("PL-1", "PL-P1", "2026-04", "108", "EMBAUCHE_DIRECTE", ""),
                 ("PL-2", "PL-P1", "2026-03", "88", "EMBAUCHE_DIRECTE", ""), nom="ok.csv")
    assert import_heures(path, user=ctx["user"], nom="ok.csv").enregistre
    assert HeuresMensuelles.objects.count() == 4
    # Importing the same file again replaces its rows: not counted twice.
    resultat = import_heures(path, user=ctx["user"], nom="ok.csv")
    assert resultat.enregistre and resultat.mis_a_jour == 3


def test_import_refuses_hours_outside_the_placement(ctx, tmp_path):
    _placement(ctx, datetime.date(2026, 4, 7))
    path = _file(tmp_path, ctx, ("PL-1", "PL-P1", "2026-03", "35", "EMBAUCHE_DIRECTE", ""),
                 ("PL-1", "PL-P1", "2026-04", "35", "EMBAUCHE_DIRECTE", ""))
    resultat = import_heures(path, user=ctx["user"], nom="heures.csv")
    assert resultat.messages_erreurs() == [
        "heures.csv : ligne 2, colonne « mois » : PL-P1 : 35\u00a0h en mars 2026, hors de la mise en emploi chez Bâti Sud "
        "(depuis le 07/04/2026) : aucune heure avant le début ni après la fin de l'emploi"]
    assert not HeuresMensuelles.objects.exists()


def test_import_preview_page_shows_the_reason(client, ctx, tmp_path):
    import io

    content = open(_file(tmp_path, ctx, ("PL-1", "PL-P1", "2026-03", "230", "EMBAUCHE_DIRECTE", "")), "rb").read()
    upload = io.BytesIO(content)
    upload.name = "releve.csv"
    client.force_login(ctx["user"])
    page = client.get(reverse("facilitateurs:import_upload")).content.decode()
    assert "au plus 208\u00a0h par personne et par mois, tous marchés confondus" in page
    location = client.post(reverse("facilitateurs:import_upload"), {"type": "heures", "fichier": upload})["Location"]
    html = client.get(location).content.decode()
    assert "rien ne sera enregistré" in html and "230\u00a0h déclarées pour mars 2026" in html
    client.post(location)
    assert not HeuresMensuelles.objects.exists()


# A placement's dates, changed after hours were recorded -----------------------------------------------

def test_placement_dates_must_keep_covering_the_recorded_hours(client, ctx):
    mise = _placement(ctx, datetime.date(2026, 1, 5))
    for mois in (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)):
        HeuresMensuellesFactory(marche=ctx["marche"], participant=ctx["participant"], entreprise=ctx["entreprise"],
                                mois=mois, heures=Decimal("35"))
    client.force_login(ctx["user"])
    url = reverse("facilitateurs:mise_en_emploi_update", args=[mise.pk])
    data = {"marche": ctx["marche"].pk, "entreprise": ctx["entreprise"].siret, "modalite": "EMBAUCHE_DIRECTE",
            "type_contrat": "CDD", "date_debut": "2026-01-05"}
    ClauseMarcheFactory(marche=ctx["marche"])  # the form lists contracts with an insertion clause
    response = client.post(url, {**data, "date_fin": "2026-01-31"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Des heures sont enregistrées hors de ces dates (février 2026)" in html
    response = client.post(url, {**data, "date_debut": "2026-02-02"})
    assert "hors de ces dates (janvier 2026)" in response.content.decode()
    mise.refresh_from_db()
    assert (mise.date_debut, mise.date_fin) == (datetime.date(2026, 1, 5), None)
    assert client.post(url, {**data, "date_fin": "2026-02-03"}).status_code == 302
    mise.refresh_from_db()
    assert mise.date_fin == datetime.date(2026, 2, 3)
