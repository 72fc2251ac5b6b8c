"""The DECP download (marches.decp_telechargement): a file per data version and day, built once, served streamed
from disk; its content is the former in-memory export's, character for character, and it re-imports unchanged."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import content_disposition_header

from core.donnees import donnees_modifiees, donnees_version
from core.enums import Role
from marches import decp, decp_telechargement
from marches.enums import Categorie
from marches.models import Marche
from marches.services import decp_importer
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.decp_samples import CONCESSION, document, marche_v2
from tests.marches.factories import AttributionFactory, MarcheFactory

pytestmark = pytest.mark.django_db


def complet(**kw):
    defaults = dict(forme_prix="Forfaitaire", types_prix=["Définitif ferme"], clause_sociale=True,
                    critere_environnemental=True)
    defaults.update(kw)
    marche = MarcheFactory(**defaults)
    AttributionFactory(marche=marche)
    return marche


def _ancien(**kw) -> bytes:
    """The former download: the whole document built in memory, then dumped."""
    return json.dumps(decp.export_json(**kw), ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _contenu(response) -> bytes:
    assert response.streaming  # a file streamed by chunks, not a body built in memory
    return b"".join(response.streaming_content)


@pytest.fixture
def constructions(monkeypatch):
    """The number of files built (a build that fails counts for none)."""
    faites, vraie = [], decp_telechargement._construire

    def construire(*args, **kwargs):
        faites.append(vraie(*args, **kwargs))
        return faites[-1]

    monkeypatch.setattr(decp_telechargement, "_construire", construire)
    return lambda: len(faites)


def test_export_ecrire_writes_the_former_document_character_for_character(tmp_path):
    acheteur = OrganisationFactory(instance=True)
    for i in range(3):
        complet(acheteur=acheteur, identifiant=f"E-{i}", objet=f"Objet « {i} »\navec un retour à la ligne\t")
    MarcheFactory(acheteur=acheteur, identifiant="INCOMPLET")  # left out (no company, no price form)
    decp_importer(data=document(CONCESSION), fichier="c.json")  # a concession: the second list
    assert Marche.objects.filter(categorie=Categorie.CONCESSION).exists()
    for kw in ({}, {"acheteur": acheteur}, {"annee": 2025}, {"annee": 1999}):
        chemin = tmp_path / "decp.json"
        with open(chemin, "w", encoding="utf-8") as out:
            decp.export_ecrire(out, **kw)
        assert chemin.read_bytes() == _ancien(**kw), kw
    document_ = json.loads(chemin.read_bytes())
    assert document_ == {"marches": {"marche": []}}  # 1999: an empty list, as before


def test_the_public_download_is_built_once_per_data_version(client, constructions):
    from tests.spaser.factories import SpaserFactory

    acheteur = OrganisationFactory(instance=True)
    SpaserFactory(en_vigueur=True, acheteurs=[acheteur])
    complet(acheteur=acheteur, identifiant="P-1")
    url = reverse("spaser:public_decp")
    attendu = _ancien(acheteur=acheteur)
    premiere = client.get(url)
    assert premiere.status_code == 200, premiere
    assert premiere["Content-Type"] == "application/json; charset=utf-8"
    assert premiere["Content-Disposition"] == content_disposition_header(True, f"decp-{acheteur.siret}.json")
    assert _contenu(premiere) == attendu and constructions() == 1
    with CaptureQueriesContext(connection) as requetes:
        seconde = client.get(url)
    assert _contenu(seconde) == attendu and constructions() == 1  # served from the file
    assert not [q for q in requetes.captured_queries if "marches_marche" in q["sql"]]  # no contract read
    version = donnees_version()
    complet(acheteur=acheteur, identifiant="P-2")  # a data change moves the version: a new file
    assert donnees_version() > version
    troisieme = _contenu(client.get(url))
    assert constructions() == 2 and troisieme == _ancien(acheteur=acheteur) != attendu
    assert [r["id"] for r in json.loads(troisieme)["marches"]["marche"]] == ["P-1", "P-2"]
    dossier = decp_telechargement._dossier()
    assert len([f for f in dossier.iterdir() if f.name.startswith("decp-")]) == 1  # the older file removed
    assert not [f for f in dossier.iterdir() if f.name.startswith(".construction-")]  # no temporary left


def test_the_logged_in_export_is_cached_per_buyer_and_year(client, constructions):
    acheteur = OrganisationFactory(instance=True)
    autre = OrganisationFactory()
    complet(acheteur=acheteur, identifiant="A-1")
    complet(acheteur=autre, identifiant="B-1")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    url = reverse("marches:export_decp")
    tous = client.get(url)
    assert tous["Content-Type"] == "application/json; charset=utf-8"
    assert tous["Content-Disposition"] == content_disposition_header(True, "decp-tous.json")
    assert _contenu(tous) == _ancien()
    un = client.get(url, {"acheteur": acheteur.pk, "annee": 2025})
    assert un["Content-Disposition"] == content_disposition_header(True, f"decp-{acheteur.siret}-2025.json")
    assert _contenu(un) == _ancien(acheteur=acheteur, annee=2025) != _ancien()
    assert constructions() == 2
    for _ in range(2):
        assert _contenu(client.get(url)) == _ancien() and _contenu(client.get(url, {"acheteur": acheteur.pk,
                                                                                     "annee": 2025}))
    assert constructions() == 2


def test_an_emptied_cache_never_serves_a_file_of_an_earlier_life(client, constructions):
    """The version starts again from 1 when the cache is emptied (Redis restarted): the file is looked up
    through the cache, so a file left on disk under the same version number is not taken for the new data."""
    from django.core.cache import cache

    acheteur = OrganisationFactory(instance=True)
    complet(acheteur=acheteur, identifiant="V-1")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    url = reverse("marches:export_decp")
    _contenu(client.get(url))
    cache.clear()
    Marche.objects.filter(identifiant="V-1").update(objet="Objet changé hors de l'application")
    assert json.loads(_contenu(client.get(url)))["marches"]["marche"][0]["objet"] == \
        "Objet changé hors de l'application"
    assert constructions() == 2


def test_the_downloaded_file_re_imported_changes_nothing(client):
    acheteur = OrganisationFactory(instance=True)
    decp_importer(data=document(*(marche_v2(id=f"2026R{i:03d}") for i in range(5)), CONCESSION), fichier="a.json")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    fichier = _contenu(client.get(reverse("marches:export_decp")))
    avant = list(Marche.objects.order_by("pk").values())
    report = decp_importer(data=fichier, fichier="export.json")
    assert not report["refuse"], report["texte_erreurs"]
    assert (report["nb_crees"], report["nb_modifies"], report["nb_inchanges"]) == (0, 0, 6)
    assert list(Marche.objects.order_by("pk").values()) == avant


def test_a_build_that_fails_leaves_no_file_and_the_next_request_builds(client, constructions, monkeypatch):
    acheteur = OrganisationFactory(instance=True)
    complet(acheteur=acheteur, identifiant="F-1")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    vrai = decp.export_ecrire

    def panne(out, **kw):
        out.write('{\n "marches": {')
        raise OSError("disque plein")

    monkeypatch.setattr(decp, "export_ecrire", panne)
    with pytest.raises(OSError):
        client.get(reverse("marches:export_decp"))
    dossier = decp_telechargement._dossier()
    assert not list(dossier.iterdir()) and constructions() == 0  # no half-written file, no temporary
    monkeypatch.setattr(decp, "export_ecrire", vrai)
    assert _contenu(client.get(reverse("marches:export_decp"))) == _ancien() and constructions() == 1


def test_a_version_moved_by_hand_rebuilds(client, constructions):
    acheteur = OrganisationFactory(instance=True)
    complet(acheteur=acheteur, identifiant="H-1")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    url = reverse("marches:export_decp")
    _contenu(client.get(url))
    _contenu(client.get(url))
    assert constructions() == 1
    donnees_modifiees()
    _contenu(client.get(url))
    assert constructions() == 2


def test_a_temporary_file_left_by_a_killed_build_is_removed_by_the_next_build(client):
    import os
    import time

    acheteur = OrganisationFactory(instance=True)
    complet(acheteur=acheteur, identifiant="T-1")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    dossier = decp_telechargement._dossier()
    dossier.mkdir(parents=True)
    abandonne, recent = dossier / ".construction-abandonne.json", dossier / ".construction-en-cours.json"
    abandonne.write_text("{")
    recent.write_text("{")
    il_y_a_deux_heures = time.time() - 7200
    os.utime(abandonne, (il_y_a_deux_heures, il_y_a_deux_heures))
    _contenu(client.get(reverse("marches:export_decp")))
    assert not abandonne.exists() and recent.exists()  # another process may be writing the recent one


def test_a_file_removed_between_its_lookup_and_its_opening_is_built_again(client, constructions, monkeypatch):
    """A newer version's build removes the older file while a download found it: that download builds again."""
    acheteur = OrganisationFactory(instance=True)
    complet(acheteur=acheteur, identifiant="R-1")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    url = reverse("marches:export_decp")
    attendu = _contenu(client.get(url))
    vrai, appels = decp_telechargement.decp_fichier, []

    def puis_supprime(**kw):
        chemin = vrai(**kw)
        appels.append(chemin)
        if len(appels) == 1:
            chemin.unlink()  # as another build would, right after the lookup
        return chemin

    monkeypatch.setattr(decp_telechargement, "decp_fichier", puis_supprime)
    assert _contenu(client.get(url)) == attendu
    assert len(appels) == 2 and constructions() == 2 and appels[1].exists()


@pytest.mark.parametrize(("parametres", "nom"), [
    ({"annee": "abc"}, "decp-tous.json"),  # an invalid year is left out: every year
    ({"annee": "1800"}, "decp-tous.json"),
    ({"acheteur": "abc"}, "decp-tous.json"),  # an invalid id is left out: every buyer
    ({"acheteur": "99999999999999999999", "annee": "2025"}, "decp-tous-2025.json"),
])
def test_the_export_leaves_out_invalid_parameters(client, constructions, parametres, nom):
    acheteur = OrganisationFactory(instance=True)
    complet(acheteur=acheteur, identifiant="I-1")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    response = client.get(reverse("marches:export_decp"), parametres)
    assert response.status_code == 200
    assert response["Content-Disposition"] == content_disposition_header(True, nom)
    annee = 2025 if "2025" in nom else None
    assert _contenu(response) == _ancien(annee=annee)
    assert [f.name.split("--")[0] for f in decp_telechargement._dossier().iterdir()] == \
        [f"decp-tous-{annee or 'toutes'}"]  # no file named after the bad value


def test_the_export_of_an_unknown_buyer_is_not_found_and_builds_nothing(client, constructions):
    acheteur = OrganisationFactory(instance=True)
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    response = client.get(reverse("marches:export_decp"), {"acheteur": acheteur.pk + 1000})
    assert response.status_code == 404 and constructions() == 0


def test_a_partner_s_export_is_its_own_whatever_buyer_it_asks(client, constructions):
    partenaire = OrganisationFactory(type="partenaire")
    complet(acheteur=partenaire, identifiant="PA-1")
    autre = OrganisationFactory(instance=True)
    complet(acheteur=autre, identifiant="AU-1")
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=partenaire))
    response = client.get(reverse("marches:export_decp"), {"acheteur": autre.pk})
    assert response["Content-Disposition"] == content_disposition_header(True, f"decp-{partenaire.siret}.json")
    assert [r["id"] for r in json.loads(_contenu(response))["marches"]["marche"]] == ["PA-1"]


def test_the_public_download_refuses_an_unknown_buyer_and_leaves_out_an_invalid_year(client, constructions):
    from tests.spaser.factories import SpaserFactory

    acheteur = OrganisationFactory(instance=True)
    SpaserFactory(en_vigueur=True, acheteurs=[acheteur])
    complet(acheteur=acheteur, identifiant="PU-1")
    url = reverse("spaser:public_decp")
    for siret in ("00000000000000", "abc", "9" * 300):
        assert client.get(url, {"acheteur": siret}).status_code == 404
    assert constructions() == 0
    response = client.get(url, {"acheteur": acheteur.siret, "annee": "abc"})
    assert response.status_code == 200 and _contenu(response) == _ancien(acheteur=acheteur)


def _construction_en_cours(acheteur=None, annee=None) -> str:
    """The lock another request's build of the current file holds (as decp_fichier takes it)."""
    from django.core.cache import cache

    cle = (f"decp-fichier:{donnees_version()}:{datetime.date.today().isoformat()}:"
           f"{decp_telechargement._creneau(acheteur, annee)}")
    cache.add(f"{cle}:construction", 1, 60)
    return f"{cle}:construction"


def test_a_request_waits_for_another_build_then_builds_when_it_failed(client, constructions):
    """The build this request waits for fails (its lock released without a file): the request builds at once,
    not after ATTENTE_SECONDES."""
    import threading
    import time

    from django.core.cache import cache

    acheteur = OrganisationFactory(instance=True)
    complet(acheteur=acheteur, identifiant="W-1")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    verrou = _construction_en_cours()
    threading.Timer(0.5, cache.delete, [verrou]).start()  # the other build ends without a file
    debut = time.monotonic()
    assert _contenu(client.get(reverse("marches:export_decp"))) == _ancien()
    assert time.monotonic() - debut < 10 and constructions() == 1


def test_a_request_waiting_for_a_build_that_never_ends_builds_its_own(client, constructions, monkeypatch):
    acheteur = OrganisationFactory(instance=True)
    complet(acheteur=acheteur, identifiant="W-2")
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    monkeypatch.setattr(decp_telechargement, "ATTENTE_SECONDES", 0.5)
    _construction_en_cours()  # held by a process killed while building: kept until its time limit
    assert _contenu(client.get(reverse("marches:export_decp"))) == _ancien() and constructions() == 1


def test_a_request_waiting_for_another_build_serves_its_file(client, constructions):
    import threading

    from django.core.cache import cache

    acheteur = OrganisationFactory(instance=True)
    client.force_login(UserFactory(role=Role.DCP, organisation=acheteur))
    verrou = _construction_en_cours()
    dossier = decp_telechargement._dossier()
    dossier.mkdir(parents=True, exist_ok=True)
    (dossier / "decp-tous-toutes--autre.json").write_text('{"construit": "par l\'autre requête"}')

    def fin_de_l_autre_construction():
        cache.set(verrou.removesuffix(":construction"), "decp-tous-toutes--autre.json")
        cache.delete(verrou)

    threading.Timer(0.5, fin_de_l_autre_construction).start()
    assert json.loads(_contenu(client.get(reverse("marches:export_decp")))) == {"construit": "par l'autre requête"}
    assert constructions() == 0
