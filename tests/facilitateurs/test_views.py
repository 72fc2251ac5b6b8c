import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.enums import Role
from core.models import ImportJournal
from facilitateurs.models import (
    ActionSuivi,
    Convention,
    Eligibilite,
    HeuresMensuelles,
    IdentiteParticipant,
    LectureIdentite,
    MiseEnEmploi,
    Participant,
    Sortie,
)
from tests.clauses.factories import ClauseMarcheFactory
from tests.core.factories import OrganisationFactory, UserFactory
from tests.facilitateurs.factories import (
    ConventionFactory,
    HeuresMensuellesFactory,
    IdentiteParticipantFactory,
    ParticipantFactory,
)
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def instance():
    return OrganisationFactory(instance=True)


@pytest.fixture
def partenaire_org():
    return OrganisationFactory(partenaire=True)


@pytest.fixture
def users(instance, partenaire_org):
    return {role: UserFactory(role=role, organisation=partenaire_org if role == Role.PARTENAIRE else instance)
            for role in Role.values}


def login(client, users, role):
    client.force_login(users[role])
    return client


def _marche_en_retard(acheteur, today):
    marche = MarcheFactory(acheteur=acheteur, date_debut=today - datetime.timedelta(days=180),
                           date_fin=today + datetime.timedelta(days=180))
    ClauseMarcheFactory(marche=marche, heures_requises=Decimal("1000"))
    return marche


def test_elu_and_partner_never_receive_an_identity(client, users, partenaire_org):
    today = timezone.localdate()
    marche = _marche_en_retard(partenaire_org, today)
    identite = IdentiteParticipantFactory(nom="Secretnom-XYZ")
    HeuresMensuellesFactory(marche=marche, participant=identite.participant, heures=Decimal("10"))
    convention = ConventionFactory(partenaire=partenaire_org)
    convention.marches.add(marche)
    participant_urls = [reverse("facilitateurs:participant_detail", args=[identite.participant.pk]),
                        reverse("facilitateurs:participant_export", args=[identite.participant.pk]) + "?format=json",
                        reverse("facilitateurs:participants")]
    readable = [reverse("facilitateurs:suivi_marche", args=[marche.pk]),
                reverse("facilitateurs:convention_detail", args=[convention.pk]), reverse("facilitateurs:conventions")]
    for role in (Role.ELU, Role.PARTENAIRE):
        login(client, users, role)
        for url in participant_urls:
            assert client.get(url).status_code == 403
        pages = readable + ([reverse("facilitateurs:home")] if role == Role.PARTENAIRE else [])
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Secretnom-XYZ" not in response.content.decode()
            assert identite.participant.code not in response.content.decode()
        # The follow-up page gives them the figures (not the people): 10 h of the 1,000 required.
        html = client.get(readable[0]).content.decode()
        assert 'data-testid="realisees">10\u00a0h<' in html and 'data-testid="requises">1\u202f000\u00a0h<' in html
    assert not LectureIdentite.objects.exists()


def test_partner_sees_only_its_own_contracts(client, users, partenaire_org):
    today = timezone.localdate()
    own = _marche_en_retard(partenaire_org, today)
    other = _marche_en_retard(OrganisationFactory(partenaire=True), today)
    login(client, users, Role.PARTENAIRE)
    page = client.get(reverse("facilitateurs:home")).content.decode()
    assert own.identifiant in page and other.identifiant not in page
    assert "Justificatifs" not in page  # nothing about participants
    assert client.get(reverse("facilitateurs:suivi_marche", args=[other.pk])).status_code == 404


def test_identity_read_is_recorded(client, users):
    identite = IdentiteParticipantFactory(nom="Durand")
    login(client, users, Role.FACILITATEUR)
    page = client.get(reverse("facilitateurs:participant_detail", args=[identite.participant.pk])).content.decode()
    assert "Durand" in page
    lecture = LectureIdentite.objects.get()
    assert lecture.user == users[Role.FACILITATEUR] and lecture.participant == identite.participant


def test_subject_access_export_json_and_xlsx(client, users):
    identite = IdentiteParticipantFactory(nom="Durand", adresse="=HYPERLINK(\"http://x\")")
    HeuresMensuellesFactory(participant=identite.participant)
    login(client, users, Role.ADMIN)
    url = reverse("facilitateurs:participant_export", args=[identite.participant.pk])
    data = json.loads(client.get(url + "?format=json").content)
    assert data["identite"]["nom"] == "Durand" and len(data["heures"]) == 1
    response = client.get(url + "?format=xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert "identite" in workbook.sheetnames
    assert workbook["identite"]["E2"].value.startswith("'=")  # never run as a formula
    assert client.get(url + "?format=pdf").status_code == 404
    assert LectureIdentite.objects.filter(motif__startswith="export").count() == 2


def test_home_alerts(client, users, instance):
    today = timezone.localdate()
    en_retard = _marche_en_retard(instance, today)
    a_relancer = MarcheFactory(acheteur=instance, date_debut=today + datetime.timedelta(days=10),
                               date_fin=today + datetime.timedelta(days=300))
    ClauseMarcheFactory(marche=a_relancer, heures_requises=Decimal("100"))
    AttributionFactory(marche=a_relancer, entreprise=EntrepriseFactory(nom="Charpentes Landaises"))
    participant = ParticipantFactory(code="ALERTE1")
    Eligibilite.objects.create(participant=participant, public="RSA", date_verification=today - datetime.timedelta(days=80),
                               date_fin_validite=today + datetime.timedelta(days=5))
    suivi = ParticipantFactory(code="SUIVI1")
    Sortie.objects.create(participant=suivi, date_sortie=today - datetime.timedelta(days=200), categorie="AUTRE")
    ActionSuivi.objects.create(marche=en_retard, quoi="Appeler le conducteur de travaux",
                               echeance=today - datetime.timedelta(days=1))
    login(client, users, Role.FACILITATEUR)
    page = client.get(reverse("facilitateurs:home")).content.decode()
    for expected in (en_retard.identifiant, "Charpentes Landaises", "ALERTE1", "SUIVI1", "Appeler le conducteur"):
        assert expected in page


def _populate(n, acheteur, today):
    for i in range(n):
        marche = _marche_en_retard(acheteur, today)
        participant = ParticipantFactory()
        Eligibilite.objects.create(participant=participant, public="DELD", date_verification=today,
                                   date_fin_validite=today + datetime.timedelta(days=3))
        Sortie.objects.create(participant=participant, date_sortie=today - datetime.timedelta(days=400),
                              categorie="AUTRE")
        ActionSuivi.objects.create(marche=marche, quoi=f"Action {i}", echeance=today - datetime.timedelta(days=2))
        HeuresMensuellesFactory(marche=marche, participant=participant, mois=today.replace(day=1))


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_home_queries_do_not_grow_and_match_the_snapshot(client, users, instance, snapshot_update):
    from tests.sql_snapshots import assert_queries_stable

    today = timezone.localdate()
    login(client, users, Role.FACILITATEUR)
    _populate(3, instance, today)
    assert_queries_stable("facilitateurs_views_home", client, reverse("facilitateurs:home"),
                          lambda: _populate(30, instance, today), update=snapshot_update)


def test_home_counts_each_followed_contract_once_and_a_partner_its_own(client, users, instance, partenaire_org):
    """The home's number of contracts (its pages) is counted from the insertion clauses (nb_marches_suivis): a
    contract with two insertion clauses counts once, one with only another kind of clause not at all; a partner
    counts its organisation's contracts only."""
    from clauses.enums import TypeClause

    today = timezone.localdate()
    for _ in range(24):
        _marche_en_retard(instance, today)
    ClauseMarcheFactory(marche=_marche_en_retard(instance, today), heures_requises=Decimal("10"))
    ClauseMarcheFactory(marche=MarcheFactory(acheteur=instance), type_clause=TypeClause.CRITERE_SOCIAL)
    propres = [_marche_en_retard(partenaire_org, today) for _ in range(2)]
    login(client, users, Role.FACILITATEUR)
    response = client.get(reverse("facilitateurs:home"))
    assert response.context["paginator"].count == 27 and "Page 1 sur 2" in response.content.decode()
    assert len(client.get(reverse("facilitateurs:home") + "?page=2").context["marches"]) == 2
    login(client, users, Role.PARTENAIRE)
    response = client.get(reverse("facilitateurs:home"))
    assert response.context["paginator"].count == 2
    assert {m.pk for m in response.context["marches"]} == {m.pk for m in propres}
    users[Role.PARTENAIRE].organisation = None
    users[Role.PARTENAIRE].save()
    assert client.get(reverse("facilitateurs:home")).context["paginator"].count == 0


@pytest.mark.parametrize("valeur, numero", [("abc", 1), ("", 1), ("1.5", 1), ("99", 2), ("0", 2), ("-1", 2),
                                             ("²", 1)])
def test_home_bad_page_number_shows_a_page_not_an_error(client, users, instance, valeur, numero):
    """?page= of the follow-up home (pages counted by nb_marches_suivis): not a number, the first page; out of
    range, the last one; never a 404 or a 500."""
    today = timezone.localdate()
    for _ in range(27):
        _marche_en_retard(instance, today)
    login(client, users, Role.FACILITATEUR)
    response = client.get(reverse("facilitateurs:home"), {"page": valeur})
    assert response.status_code == 200
    assert response.context["page_obj"].number == numero
    assert len(response.context["marches"]) == (25 if numero == 1 else 2)


def test_grid_fixed_queries_save_and_keep_input(client, users, instance):
    marche = MarcheFactory(acheteur=instance)
    ClauseMarcheFactory(marche=marche, heures_requises=Decimal("100"))
    entreprise = EntrepriseFactory()
    AttributionFactory(marche=marche, entreprise=entreprise)
    url = reverse("facilitateurs:grille", args=[marche.pk]) + "?mois=2025-09"
    login(client, users, Role.FACILITATEUR)

    def placements(n):
        for _ in range(n):
            MiseEnEmploi.objects.create(participant=ParticipantFactory(), entreprise=entreprise, marche=marche,
                                        modalite="EMBAUCHE_DIRECTE", type_contrat="CDD",
                                        date_debut=datetime.date(2025, 8, 1))

    placements(2)
    small = _count(client, url)
    placements(20)
    assert _count(client, url) == small

    code = MiseEnEmploi.objects.order_by("pk").first().participant.code
    base = {"mois": "2025-09", "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0"}
    row = {"form-0-participant_code": code, "form-0-entreprise": str(entreprise.pk),
           "form-0-modalite": "EMBAUCHE_DIRECTE", "form-0-type_contrat": "CDD", "form-0-heures": "35,5"}
    bad = {"form-1-participant_code": "INCONNU-42", "form-1-entreprise": str(entreprise.pk),
           "form-1-modalite": "EMBAUCHE_DIRECTE", "form-1-heures": "12"}
    response = client.post(url, {**base, **row, **bad})
    html = response.content.decode()
    assert response.status_code == 200 and "INCONNU-42" in html and "inconnu" in html
    assert not HeuresMensuelles.objects.exists()
    response = client.post(url, {**base, "form-TOTAL_FORMS": "1", **row})
    assert response.status_code == 302
    assert HeuresMensuelles.objects.get().heures == Decimal("35.5")
    client.post(url, {**base, "form-TOTAL_FORMS": "1", **row, "form-0-heures": "40"})
    row_db = HeuresMensuelles.objects.get()
    assert row_db.heures == Decimal("40") and row_db.history.first().history_user == users[Role.FACILITATEUR]


def test_upload_preview_then_confirm(client, users, instance):
    marche = MarcheFactory(acheteur=instance, identifiant="UP1")
    entreprise = EntrepriseFactory()
    ParticipantFactory(code="U1")
    header = ("acheteur_siret;marche_id;entreprise_siret;entreprise_nom;entreprise_code_postal;participant_code;"
              "mois;heures;modalite;type_contrat")
    content = f"{header}\n{instance.siret};{marche.identifiant};{entreprise.siret};;;U1;2026-01;7,5;FORMATION;\n"
    login(client, users, Role.FACILITATEUR)
    upload = io.BytesIO(content.encode())
    upload.name = "releve.csv"
    response = client.post(reverse("facilitateurs:import_upload"), {"type": "heures", "fichier": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "Confirmer" in preview.content.decode() and not HeuresMensuelles.objects.exists()
    assert client.post(response["Location"]).status_code == 302
    assert HeuresMensuelles.objects.get().heures == Decimal("7.5")
    assert ImportJournal.objects.get().user == users[Role.FACILITATEUR]
    assert client.get(response["Location"]).status_code == 404  # temporary file removed

    bad = io.BytesIO(f"{header}\n{instance.siret};NOPE;{entreprise.siret};;;U1;2026-01;x;FORMATION;\n".encode())
    bad.name = "mauvais.csv"
    location = client.post(reverse("facilitateurs:import_upload"), {"type": "heures", "fichier": bad})["Location"]
    html = client.get(location).content.decode()
    assert "rien ne sera enregistré" in html and "nombre d&#x27;heures invalide" in html


def test_actions_create_and_mark_done(client, users, instance):
    marche = MarcheFactory(acheteur=instance)
    ClauseMarcheFactory(marche=marche)
    login(client, users, Role.FACILITATEUR)
    response = client.post(reverse("facilitateurs:actions"), {
        "quoi": "Envoyer le rappel de clause", "responsable": users[Role.FACILITATEUR].pk, "echeance": "2026-12-01",
        "marche": marche.pk})
    assert response.status_code == 302
    action = ActionSuivi.objects.get()
    client.post(reverse("facilitateurs:action_faite", args=[action.pk]))
    action.refresh_from_db()
    assert action.faite and action.date_faite == timezone.localdate()
    response = client.post(reverse("facilitateurs:actions"), {"quoi": "Sans cible", "echeance": "2026-12-01"})
    assert response.status_code == 200 and "Rattachez" in response.content.decode()


def test_admin_creates_convention(client, users, partenaire_org):
    marche = MarcheFactory(acheteur=partenaire_org)
    login(client, users, Role.ADMIN)
    response = client.post(reverse("facilitateurs:convention_create"), {
        "partenaire": partenaire_org.pk, "intitule": "Convention clauses 2026", "date_debut": "2026-01-01",
        "statut": "signee", "marches": [marche.pk], "facilitateurs": [users[Role.FACILITATEUR].pk],
        "fse_reference": "FSE-40-2026", "fse_montant": "45000", "globalisation": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    convention = Convention.objects.get()
    assert list(convention.marches.all()) == [marche] and convention.globalisation
    bad = client.post(reverse("facilitateurs:convention_create"), {
        "partenaire": partenaire_org.pk, "intitule": "Dates inversées", "date_debut": "2026-01-01",
        "date_fin": "2025-01-01", "statut": "brouillon"})
    assert bad.status_code == 200 and "Dates inversées" in bad.content.decode()


def test_participant_create_with_identity(client, users):
    login(client, users, Role.FACILITATEUR)
    response = client.post(reverse("facilitateurs:participant_create"), {
        "code": " NOUV1 ", "annee_naissance": "1990", "sexe": "F", "code_postal": "40100", "qpv": "on",
        "nom": "Martin", "prenom": "Zoé", "telephone": "06 11 22 33 44"})
    participant = Participant.objects.get()
    assert response["Location"] == reverse("facilitateurs:participant_detail", args=[participant.pk])
    assert (participant.code, participant.annee_naissance, participant.sexe, participant.code_postal,
            participant.qpv) == ("NOUV1", 1990, "F", "40100", True)
    # The identity lives in its own table, with who wrote it.
    identite = IdentiteParticipant.objects.get(participant=participant)
    assert (identite.nom, identite.prenom, identite.telephone) == ("Martin", "Zoé", "06 11 22 33 44")
    assert participant.history.get().history_user == users[Role.FACILITATEUR]
    assert identite.history.get().history_user == users[Role.FACILITATEUR]
    bad = client.post(reverse("facilitateurs:participant_create"), {"code": "NOUV2", "sexe": "F",
                                                                     "code_postal": "401", "nom": "Garder"})
    assert bad.status_code == 200 and 'value="Garder"' in bad.content.decode()
    assert "Le code postal compte 5 chiffres." in bad.content.decode()
    assert list(Participant.objects.values_list("code", flat=True)) == ["NOUV1"]
    assert IdentiteParticipant.objects.count() == 1


def test_follow_up_page_shows_the_contract_figures(client, users, settings, partenaire_org):
    """The clause's figures on the follow-up page: required, realised (euros converted, training capped),
    by modality, company and month, and the number of people; the same for a partner, without any code."""
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 30, "FORMATION_PART_MAX": 0.3}
    marche = MarcheFactory(acheteur=partenaire_org, date_debut=datetime.date(2025, 1, 1),
                           date_fin=datetime.date(2025, 12, 31))
    ClauseMarcheFactory(marche=marche, heures_requises=Decimal("1200"))
    batisseur, siae = EntrepriseFactory(nom="Bâtisseurs Landais"), EntrepriseFactory(nom="Jardins d'insertion")
    p1, p2 = ParticipantFactory(code="SUIVI-P1"), ParticipantFactory(code="SUIVI-P2")
    HeuresMensuellesFactory(marche=marche, participant=p1, entreprise=batisseur, mois=datetime.date(2025, 3, 1),
                            heures=Decimal("140"))
    HeuresMensuellesFactory(marche=marche, participant=p2, entreprise=batisseur, mois=datetime.date(2025, 4, 1),
                            modalite="FORMATION", heures=Decimal("400"))
    HeuresMensuellesFactory(marche=marche, participant=None, entreprise=siae, mois=datetime.date(2025, 4, 1),
                            modalite="CO_TRAITANCE_SIAE", heures=Decimal("0"), montant_ht=Decimal("1500"))
    HeuresMensuellesFactory(participant=p1, mois=datetime.date(2025, 3, 1), heures=Decimal("60"))  # another contract
    nb, h = "\u202f", "\u00a0h"
    for role in (Role.FACILITATEUR, Role.PARTENAIRE):
        login(client, users, role)
        html = client.get(reverse("facilitateurs:suivi_marche", args=[marche.pk])).content.decode()
        assert f'data-testid="requises">1{nb}200{h}<' in html
        # 140 + training capped at 30 % of 1,200 (360 of 400) + 1,500 € at 30 €/h (50): 550 h
        assert f'data-testid="realisees">550{h}<' in html
        for label, value in (("Embauche directe", "140"), ("Formation", "400"), ("Co-traitance avec une SIAE", "50"),
                             ("Bâtisseurs Landais", "540"), ("Jardins d&#x27;insertion", "50"),
                             ("03/2025", "140"), ("04/2025", "450")):
            assert re.search(rf"{re.escape(label)}(</a>)?</td><td class=\"num\">{value}{h}</td>", html), (label, value)
        assert re.search(r"Participants</div><div class=\"kpi-value\">2</div>", html)
        assert "SUIVI-P1" not in html and "SUIVI-P2" not in html


def test_partner_lists_only_its_conventions_and_lists_have_fixed_queries(client, users, partenaire_org):
    own = ConventionFactory(partenaire=partenaire_org, intitule="Convention du partenaire")
    ConventionFactory(intitule="Convention d'un autre")
    login(client, users, Role.PARTENAIRE)
    page = client.get(reverse("facilitateurs:conventions")).content.decode()
    assert own.intitule in page and "Convention d&#x27;un autre" not in page

    login(client, users, Role.FACILITATEUR)
    for _ in range(3):
        ConventionFactory().marches.add(MarcheFactory())
        p = ParticipantFactory()
        Eligibilite.objects.create(participant=p, public="RSA", date_verification=datetime.date(2026, 1, 1),
                                   date_fin_validite=datetime.date(2026, 4, 1))
        ActionSuivi.objects.create(entreprise=EntrepriseFactory(), quoi="x", echeance=datetime.date(2026, 1, 1))
    small = {name: _count(client, reverse(name)) for name in ("facilitateurs:conventions", "facilitateurs:participants",
                                                              "facilitateurs:actions")}
    for _ in range(20):
        ConventionFactory().marches.add(MarcheFactory())
        p = ParticipantFactory()
        Eligibilite.objects.create(participant=p, public="RSA", date_verification=datetime.date(2026, 1, 1),
                                   date_fin_validite=datetime.date(2026, 4, 1))
        ActionSuivi.objects.create(entreprise=EntrepriseFactory(), quoi="x", echeance=datetime.date(2026, 1, 1))
    assert {name: _count(client, reverse(name)) for name in small} == small


def test_purge_command(settings, capsys):
    from django.core.management import call_command

    settings.SPASER = {**settings.SPASER, "RETENTION_IDENTITE_ANNEES": 5}
    old = IdentiteParticipantFactory(nom="Ancien").participant
    HeuresMensuellesFactory(participant=old, mois=datetime.date(2015, 1, 1))
    call_command("purge_participants", "--dry-run")
    assert "1 identité(s) seraient purgées" in capsys.readouterr().out
    call_command("purge_participants")
    old.refresh_from_db()
    assert not hasattr(old, "identite") or old.identite is None
    assert ImportJournal.objects.get(format="purge").nb_lus == 1


def test_large_upload_is_imported_by_a_background_job(client, users, instance, settings,
                                                      django_capture_on_commit_callbacks):
    from core.models import Tache

    settings.IMPORT_TACHE_SEUIL_OCTETS = 10
    marche = MarcheFactory(acheteur=instance, identifiant="JOB1")
    entreprise = EntrepriseFactory()
    ParticipantFactory(code="J1")
    header = ("acheteur_siret;marche_id;entreprise_siret;entreprise_nom;entreprise_code_postal;participant_code;"
              "mois;heures;modalite;type_contrat")
    upload = io.BytesIO(f"{header}\n{instance.siret};JOB1;{entreprise.siret};;;J1;2026-02;20;FORMATION;\n".encode())
    upload.name = "gros.csv"
    login(client, users, Role.FACILITATEUR)
    location = client.post(reverse("facilitateurs:import_upload"), {"type": "heures", "fichier": upload})["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(location)
    assert response.status_code == 302 and response["Location"] == reverse("core:taches")
    tache = Tache.objects.get(type="import_facilitateurs")
    assert tache.etat == Tache.Etat.TERMINEE, tache.message
    assert tache.resultat["crees"] == 1
    assert HeuresMensuelles.objects.get(marche=marche).heures == Decimal("20")


def test_convention_refuses_contracts_of_another_buyer(client, users, partenaire_org):
    autre = MarcheFactory(acheteur=OrganisationFactory(partenaire=True))
    login(client, users, Role.ADMIN)
    response = client.post(reverse("facilitateurs:convention_create"), {
        "partenaire": partenaire_org.pk, "intitule": "Mélange", "date_debut": "2026-01-01", "statut": "brouillon",
        "marches": [autre.pk]})
    assert response.status_code == 200 and "ne sont pas de l" in response.content.decode()
    assert not Convention.objects.exists()


def test_placement_create_and_update(client, users, instance):
    marche = MarcheFactory(acheteur=instance)
    ClauseMarcheFactory(marche=marche)
    entreprise = EntrepriseFactory()
    participant = ParticipantFactory()
    login(client, users, Role.FACILITATEUR)
    data = {"marche": marche.pk, "entreprise": entreprise.siret, "modalite": "MISE_A_DISPOSITION_ETTI",
            "type_contrat": "INTERIM", "date_debut": "2026-01-05"}
    assert client.post(reverse("facilitateurs:mise_en_emploi_create", args=[participant.pk]), data).status_code == 302
    mise = MiseEnEmploi.objects.get()
    response = client.post(reverse("facilitateurs:mise_en_emploi_update", args=[mise.pk]),
                           {**data, "date_fin": "2025-12-31"})
    assert response.status_code == 200 and "La fin précède le début" in response.content.decode()
    client.post(reverse("facilitateurs:mise_en_emploi_update", args=[mise.pk]), {**data, "date_fin": "2026-06-30"})
    mise.refresh_from_db()
    assert mise.date_fin == datetime.date(2026, 6, 30)
    assert [h.history_type for h in mise.history.order_by("history_id")] == ["+", "~"]
    unknown = client.post(reverse("facilitateurs:mise_en_emploi_create", args=[participant.pk]),
                          {**data, "entreprise": "12345678901234"})
    assert unknown.status_code == 200 and "Aucune entreprise connue" in unknown.content.decode()


def test_abandoned_uploads_are_removed_after_a_day(settings):
    import os
    import time

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from facilitateurs import services

    old = default_storage.save(f"{services.IMPORT_DIR}/ancien.csv", ContentFile(b"x"))
    new = default_storage.save(f"{services.IMPORT_DIR}/recent.csv", ContentFile(b"x"))
    two_days_ago = time.time() - 2 * 86400
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))
    services.imports_abandonnes_purger()
    assert not default_storage.exists(old) and default_storage.exists(new)
