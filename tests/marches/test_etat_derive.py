"""One service owns what a contract implies (marches.etat): every write path leaves the stored derived state
(clause hours and texts, effective considerations, compliance, search text) equal to what the service computes
from scratch, derives it once per write, and writes one history row of the contract per user write."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from clauses.enums import TypeClause
from clauses.models import ClauseMarche, ClauseModele
from clauses.services import clause_modele_creer
from core.enums import Role
from marches import register, services
from marches.enums import StatutConformite
from marches.models import Attribution, Lot, Marche, Modification, SeuilEuropeen
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.decp_samples import document, marche_v2
from tests.marches.factories import EntrepriseFactory, MarcheFactory
from tests.marches.test_concurrence import form_data

pytestmark = pytest.mark.django_db
SIRET = "22400001800016"


@pytest.fixture
def instance():
    return OrganisationFactory(instance=True, nom="Département des Landes")


@pytest.fixture
def famille():
    return FamilleAchatFactory(prefixes_cpv=["45"])  # 50 % labour, 5 % insertion, 30 €/h


@pytest.fixture
def modele(famille):
    return clause_modele_creer(modele=ClauseModele(titre="Insertion", type_clause=TypeClause.INSERTION),
                                texte="{heures_requises} d'insertion pour {acheteur} : {objet}.")


@pytest.fixture
def marche(instance, famille):
    """1 000 000 € of works launched after 21/08/2026 with both environmental considerations: Conforme (the
    works threshold is 5.4 M€). An insertion clause on it gives 833 h."""
    return MarcheFactory(acheteur=instance, famille=famille, montant_ht=Decimal("1000000"),
                         date_lancement=datetime.date(2026, 9, 1), date_notification=datetime.date(2026, 11, 2),
                         clause_environnementale=True, critere_environnemental=True)


@pytest.fixture
def derivations(monkeypatch):
    """How many times the single service derives contracts' state (one entry per call)."""
    from marches import etat

    calls = []
    original = etat.marches_etat_deriver

    def spy(*, marches, **kwargs):
        marches = list(marches)
        calls.append(len(marches))
        return original(marches=marches, **kwargs)

    monkeypatch.setattr(etat, "marches_etat_deriver", spy)
    monkeypatch.setattr(services, "marches_etat_deriver", spy)
    return calls


def _insertion(marche, modele, lot=None, user=None):
    return services.clause_marche_enregistrer(clause=ClauseMarche(marche=marche, lot=lot, type_clause=TypeClause.INSERTION,
                                                           version=modele.version_courante), user=user)


def _coherent(marche):
    """The stored derived state equals a computation from scratch by the single service."""
    from marches.etat import marche_etat_verifier

    assert marche_etat_verifier(Marche.objects.get(pk=marche.pk)) == {}


def _heures(clause):
    clause.refresh_from_db()
    return clause.heures_requises


# --- The contract form, a change of buyer ---------------------------------------------------------------------

def test_contract_form_new_amount_clause_hours_and_text_follow_once(client, instance, marche, modele, derivations):
    dcp = UserFactory(role=Role.DCP, organisation=instance)
    clause = _insertion(marche, modele)
    assert _heures(clause) == Decimal("833")
    client.force_login(dcp)
    url = reverse("marches:update", args=[marche.pk])
    data = form_data(client.get(url).context["form"])
    rows, derivations[:] = marche.history.count(), []
    assert client.post(url, {**data, "montant_ht": "1200000"}).status_code == 302
    assert _heures(clause) == Decimal("1000")
    assert clause.texte.startswith("1\u202f000\u00a0h d'insertion")
    assert derivations == [1]
    assert marche.history.count() == rows + 1  # one history row for one save (was two: save ↔ clauses)
    _coherent(marche)


def test_change_of_buyer_renders_the_clause_texts_again(marche, modele):
    clause = _insertion(marche, modele)
    assert "Département des Landes" in ClauseMarche.objects.get(pk=clause.pk).texte
    marche = Marche.objects.get(pk=marche.pk)
    marche.acheteur = OrganisationFactory(partenaire=True, nom="Commune de Dax")
    services.marche_enregistrer(marche=marche, reason="Acheteur changé")
    clause.refresh_from_db()
    assert "Commune de Dax" in clause.texte and "Landes" not in clause.texte
    _coherent(marche)


# --- Lots, amendments, attributions ------------------------------------------------------------------------------

def test_lots_save_and_delete(marche, modele, derivations):
    lot = services.lot_enregistrer(lot=Lot(marche=marche, intitule="Gros œuvre", montant_ht=Decimal("600000")))
    sur_le_lot = _insertion(marche, modele, lot=lot)
    assert _heures(sur_le_lot) == Decimal("500")
    derivations[:] = []
    lot.montant_ht = Decimal("300000")
    services.lot_enregistrer(lot=lot)
    assert _heures(sur_le_lot) == Decimal("250") and derivations == [1]
    _coherent(marche)
    services.lot_supprimer(lot=lot)
    assert not ClauseMarche.objects.exists()
    marche.refresh_from_db()
    assert not marche.clause_sociale  # its only insertion clause went with the lot
    _coherent(marche)


def test_amendments_save_and_delete(marche, modele, derivations):
    clause = _insertion(marche, modele)
    derivations[:] = []
    avenant = services.modification_enregistrer(modification=Modification(
        marche=marche, objet="Avenant", montant_ht=Decimal("1200000"), date_notification=datetime.date(2027, 1, 5)))
    assert _heures(clause) == Decimal("1000") and derivations == [1]
    _coherent(marche)
    services.modification_supprimer(modification=avenant)
    assert _heures(clause) == Decimal("833")
    marche.refresh_from_db()
    assert marche.montant_ht == Decimal("1000000")
    _coherent(marche)


def test_attributions_save_and_delete_and_a_company_rename(marche, derivations):
    entreprise = EntrepriseFactory(nom="Bâti Sud", siret="73282932000074")
    attribution = services.attribution_enregistrer(attribution=Attribution(marche=marche, entreprise=entreprise))
    marche.refresh_from_db()
    assert "bati sud" in marche.recherche and "73282932000074" in marche.recherche
    _coherent(marche)
    sous = services.attribution_enregistrer(attribution=Attribution(marche=marche, entreprise=EntrepriseFactory(),
                                                             role="sous_traitant"))
    marche.refresh_from_db()
    assert marche.sous_traitance_declaree
    _coherent(marche)
    entreprise.nom = "Bâti Landais"
    services.entreprise_enregistrer(entreprise=entreprise)
    marche.refresh_from_db()
    assert "bati landais" in marche.recherche and "bati sud" not in marche.recherche
    _coherent(marche)
    derivations[:] = []
    services.attribution_supprimer(attribution=attribution)
    services.attribution_supprimer(attribution=sous)
    assert derivations == [1, 1]
    marche.refresh_from_db()
    assert "bati" not in marche.recherche
    _coherent(marche)


# --- Clauses ------------------------------------------------------------------------------------------------------

def test_clause_writes(marche, modele, derivations):
    clause = _insertion(marche, modele)
    marche.refresh_from_db()
    assert marche.clause_sociale and not marche.clause_sociale_declaree
    assert marche.clause_environnementale and marche.critere_environnemental  # declared: kept with the clause
    assert marche.statut_conformite == StatutConformite.CONFORME
    _coherent(marche)
    reserve = services.clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.RESERVE_SIAE))
    marche.refresh_from_db()
    assert marche.marche_reserve and marche.type_reservation == "SIAE"
    _coherent(marche)
    derivations[:] = []
    services.clause_insertion_enregistrer(marche=marche, heures_forcees=Decimal("900"), reason="Chantier court")
    assert services.marche_clauses_actualiser(marche=marche) == 0
    assert derivations == [1, 1]
    _coherent(marche)
    services.clause_marche_supprimer(clause=reserve)
    services.clause_marche_supprimer(clause=ClauseMarche.objects.get(pk=clause.pk))
    marche.refresh_from_db()
    assert not marche.clause_sociale and not marche.marche_reserve and marche.clause_environnementale
    _coherent(marche)


# --- Thresholds ---------------------------------------------------------------------------------------------------

def test_a_threshold_change_derives_every_contract_again(marche):
    assert Marche.objects.get(pk=marche.pk).statut_conformite == StatutConformite.CONFORME
    seuil = SeuilEuropeen.objects.filter(type_seuil="travaux", date_debut__lte=datetime.date(2026, 9, 1),
                                         date_fin__gte=datetime.date(2026, 9, 1)).get()
    seuil.montant_ht = Decimal("900000")
    services.seuil_enregistrer(seuil=seuil)
    marche.refresh_from_db()
    assert marche.statut_conformite == StatutConformite.NON_CONFORME  # 1 M€ ≥ 900 k€ without a social clause
    _coherent(marche)


# --- Register import ---------------------------------------------------------------------------------------------

def _registre(**kw):
    values = {"acheteur_siret": SIRET, "id": "R-1", "objet": "Réfection du collège", "code_cpv": "45000000",
              "nature": "Marché", "procedure": "Procédure adaptée", "montant_ht": "1000000",
              "date_lancement": "2026-09-01", "date_notification": "02/11/2026", "duree_mois": "12",
              "lieu_code_postal": "40000", "titulaires_sirets": "73282932000074",
              "considerations_sociales": "", "considerations_environnementales": "Critère environnemental",
              "clause_insertion_part_main_oeuvre": "0.5", "clause_insertion_taux": "0.05",
              "clause_insertion_cout_horaire": "30"}
    values.update(kw)
    lines = [";".join(register.COLUMNS), ";".join(str(values.get(c, "")) for c in register.COLUMNS)]
    return ("\n".join(lines) + "\n").encode()


def test_register_import_creates_then_updates_with_hours_following(famille, derivations):
    OrganisationFactory(siret=SIRET, instance=True)
    report = services.registre_importer(data=_registre(), fichier="r.csv")
    assert report["nb_crees"] == 1, report["texte_erreurs"]
    assert derivations == [1]
    marche = Marche.objects.get()
    clause = ClauseMarche.objects.get(marche=marche)
    assert _heures(clause) == Decimal("833")
    assert marche.clause_sociale and not marche.clause_sociale_declaree  # from the clause, not declared
    assert marche.critere_environnemental_declare and not marche.clause_environnementale_declaree
    assert marche.history.count() == 1
    _coherent(marche)
    derivations[:] = []
    report = services.registre_importer(data=_registre(montant_ht="1200000"), fichier="r.csv")
    assert report["nb_modifies"] == 1 and derivations == [1]
    assert _heures(clause) == Decimal("1000")
    assert marche.history.count() == 2
    _coherent(marche)


# --- DECP import (bulk path) -------------------------------------------------------------------------------------

def test_decp_reimport_of_a_new_amount_moves_clause_hours_and_keeps_clause_considerations(famille, modele,
                                                                                          derivations):
    record = marche_v2(dateNotification="2026-09-15", montant=1000000,
                       considerationsSociales={"considerationSociale": ["Pas de considération sociale"]},
                       considerationsEnvironnementales={"considerationEnvironnementale": [
                           "Clause environnementale", "Critère environnemental"]})
    services.decp_importer(data=document(record), fichier="a.json")
    marche = Marche.objects.get()
    assert marche.famille == famille and marche.clause_environnementale_declaree
    _coherent(marche)
    clause = _insertion(marche, modele)
    services.clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.CRITERE_SOCIAL))
    assert _heures(clause) == Decimal("833")

    derivations[:] = []
    report = services.decp_importer(data=document({**record, "montant": 1200000}), fichier="b.json")
    assert report["nb_modifies"] == 1 and derivations == [1]
    assert _heures(clause) == Decimal("1000")  # the hours follow the new amount
    assert clause.texte.startswith("1\u202f000\u00a0h")
    marche.refresh_from_db()
    assert marche.montant_ht == Decimal("1200000")
    # The file says "no social consideration": its declaration; the clauses still give theirs.
    assert marche.clause_sociale and marche.critere_social
    assert not marche.clause_sociale_declaree and not marche.critere_social_declare
    assert marche.statut_conformite == StatutConformite.CONFORME
    _coherent(marche)


def test_decp_import_takes_the_file_considerations_as_declared(famille):
    services.decp_importer(data=document(marche_v2(dateNotification="2026-09-15")), fichier="a.json")
    marche = Marche.objects.get()
    assert marche.clause_sociale_declaree and marche.critere_environnemental_declare
    assert marche.clause_sociale and marche.critere_environnemental and not marche.clause_environnementale
    _coherent(marche)


def test_the_verifier_sees_a_stale_derived_state(marche, modele):
    """The check used above is not vacuous: a contract changed behind the service is reported."""
    from marches.etat import marche_etat_verifier

    clause = _insertion(marche, modele)
    Marche.objects.filter(pk=marche.pk).update(montant_ht=Decimal("1200000"), clause_environnementale=False)
    ecarts = marche_etat_verifier(marche)
    assert set(ecarts) == {"clause_environnementale", f"clause {clause.pk}"}
    assert ecarts[f"clause {clause.pk}"][1][0] == Decimal("1000")


@pytest.fixture
def client():
    return Client()
