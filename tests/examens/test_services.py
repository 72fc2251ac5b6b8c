"""The examination's steps, in order, each recorded, and the decision feeding the contract through its services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clauses.enums import TypeClause
from core.enums import Role
from examens import services
from examens.enums import MotifNonRetenu, StatutExamen, TypeAvis
from examens.models import Examen
from examens.regles import clauses_proposees
from marches.compliance import MANQUE_SOCIALE
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.examens.factories import ExamenFactory, MarchePreparationFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def acteurs():
    instance = OrganisationFactory(instance=True)
    direction = DirectionFactory(organisation=instance)
    return {
        "instance": instance, "direction": direction,
        "acheteur": UserFactory(role=Role.ACHETEUR, organisation=instance, direction=direction),
        "facilitateur": UserFactory(role=Role.FACILITATEUR, organisation=instance),
        "dcp": UserFactory(role=Role.DCP, organisation=instance),
    }


def _marche(acteurs, **kwargs):
    famille = FamilleAchatFactory(nom="Nettoyage des locaux", part_main_oeuvre=D("0.8"), taux_insertion=D("0.1"),
                                  cout_horaire=D("25"))
    defaults = {"acheteur": acteurs["instance"], "direction": acteurs["direction"], "famille": famille,
                "code_cpv": "90910000-9", "valeur_estimee_ht": D("180000")}
    return MarchePreparationFactory(**{**defaults, **kwargs})


def test_a_contract_goes_from_opening_to_launch_with_its_clause_decided(acteurs):
    marche = _marche(acteurs)
    examen = services.examen_creer(marche=marche, user=acteurs["acheteur"],
                                   date_lancement_prevue=datetime.date(2099, 2, 1),
                                   questions={"env_condition": "oui", "inconnue": "oui", "ess_sourcing": ""})
    assert examen.statut == StatutExamen.AVIS
    assert examen.questions == {"env_condition": "oui"}  # unknown codes and empty answers are not kept
    assert any(r["type"] == TypeClause.INSERTION for r in examen.conseil)  # the advisor's suggestion, kept

    services.examen_avis_enregistrer(examen=examen, user=acteurs["facilitateur"], clause=True,
                                     types=[TypeAvis.HEURES, "inconnu"], heures=D("350"),
                                     contexte="Trois SIAE du nettoyage à moins de 20 km", motifs="Marché récurrent")
    examen.refresh_from_db()
    assert (examen.statut, examen.avis_types, examen.avis_heures) == (StatutExamen.DECISION, ["heures"], D("350"))

    services.examen_decision_enregistrer(examen=examen, user=acteurs["dcp"],
                                         types=[TypeClause.INSERTION, TypeClause.CRITERE_ENVIRONNEMENTAL],
                                         heures=D("400"))
    examen.refresh_from_db()
    marche.refresh_from_db()
    assert examen.statut == StatutExamen.LANCEMENT and examen.sociale_retenue
    clauses = {c.type_clause: c for c in marche.clauses.all()}
    assert set(clauses) == {TypeClause.INSERTION, TypeClause.CRITERE_ENVIRONNEMENTAL}
    assert clauses[TypeClause.INSERTION].heures_requises == D("400")  # the hours decided, not the formula
    assert marche.clause_sociale and marche.critere_environnemental  # the considerations follow (marches.etat)
    assert marche.date_lancement == datetime.date(2099, 3, 1)  # not launched yet

    services.examen_lancement_enregistrer(examen=examen, user=acteurs["acheteur"])
    examen.refresh_from_db()
    marche.refresh_from_db()
    assert examen.statut == StatutExamen.LANCE and examen.lance_le == marche.date_lancement
    # Each step recorded: who, when, what.
    etapes = [(h.history_change_reason, h.history_user) for h in examen.history.order_by("history_date", "history_id")]
    assert etapes == [("Examen ouvert", acteurs["acheteur"]), ("Avis du facilitateur", acteurs["facilitateur"]),
                      ("Décision de la DCP", acteurs["dcp"]), ("Consultation lancée", acteurs["acheteur"])]


def test_without_hours_decided_the_family_formula_gives_them(acteurs):
    examen = ExamenFactory(marche=_marche(acteurs), a_decider=True)
    services.examen_decision_enregistrer(examen=examen, user=acteurs["dcp"], types=[TypeClause.INSERTION])
    clause = examen.marche.clauses.get()
    assert clause.heures_forcees is None
    assert clause.heures_requises == D("576")  # 180 000 × 80 % × 10 % ÷ 25


def test_no_social_consideration_needs_a_coded_reason_and_writes_nothing_without(acteurs):
    examen = ExamenFactory(marche=_marche(acteurs), a_decider=True)
    with pytest.raises(ValidationError) as exc:
        services.examen_decision_enregistrer(examen=examen, user=acteurs["dcp"],
                                             types=[TypeClause.CONDITION_ENVIRONNEMENTALE])
    assert "motif_non_retenu" in exc.value.message_dict
    assert not examen.marche.clauses.exists()
    assert Examen.objects.get(pk=examen.pk).statut == StatutExamen.DECISION

    services.examen_decision_enregistrer(examen=examen, user=acteurs["dcp"],
                                         types=[TypeClause.CONDITION_ENVIRONNEMENTALE],
                                         motif_non_retenu=MotifNonRetenu.DUREE_COURTE)
    examen.refresh_from_db()
    assert not examen.sociale_retenue and examen.motif_non_retenu == MotifNonRetenu.DUREE_COURTE
    assert list(examen.marche.clauses.values_list("type_clause", flat=True)) == [TypeClause.CONDITION_ENVIRONNEMENTALE]


def test_above_the_eu_threshold_a_waiver_needs_its_written_justification(acteurs):
    # Works above the 2026–2027 threshold (5 404 000 €), launched after 21 August 2026: L2112-2-1 applies.
    marche = _marche(acteurs, code_cpv="45210000-2", valeur_estimee_ht=D("6000000"), famille=None)
    examen = ExamenFactory(marche=marche, a_decider=True, date_lancement_prevue=datetime.date(2026, 12, 1))
    with pytest.raises(ValidationError) as exc:
        services.examen_decision_enregistrer(examen=examen, user=acteurs["dcp"], types=[],
                                             motif_non_retenu=MotifNonRetenu.TECHNIQUE)
    assert "derogation_justification" in exc.value.message_dict
    services.examen_decision_enregistrer(examen=examen, user=acteurs["dcp"], types=[],
                                         motif_non_retenu=MotifNonRetenu.TECHNIQUE,
                                         derogation_justification="Besoin couvert par une solution disponible")
    marche.refresh_from_db()
    assert marche.derogation_sociale and marche.derogation_justification.startswith("Besoin couvert")
    assert MANQUE_SOCIALE not in marche.manquements


def test_below_the_threshold_no_justification_is_asked(acteurs):
    examen = ExamenFactory(marche=_marche(acteurs), a_decider=True, date_lancement_prevue=datetime.date(2026, 12, 1))
    services.examen_decision_enregistrer(examen=examen, user=acteurs["dcp"], types=[],
                                         motif_non_retenu=MotifNonRetenu.MONTANT_FAIBLE)
    assert Examen.objects.get(pk=examen.pk).statut == StatutExamen.LANCEMENT
    assert not examen.marche.derogation_sociale


def test_steps_keep_their_order(acteurs):
    examen = ExamenFactory(marche=_marche(acteurs))
    with pytest.raises(ValidationError):
        services.examen_decision_enregistrer(examen=examen, user=acteurs["dcp"], types=[TypeClause.INSERTION])
    with pytest.raises(ValidationError):
        services.examen_lancement_enregistrer(examen=examen, user=acteurs["acheteur"])
    with pytest.raises(ValidationError) as exc:
        services.examen_avis_enregistrer(examen=examen, user=acteurs["facilitateur"], clause=True,
                                         types=[TypeAvis.HEURES])
    assert "heures" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.examen_avis_enregistrer(examen=examen, user=acteurs["facilitateur"], clause=False, motifs=" ")
    assert "motifs" in exc.value.message_dict
    assert Examen.objects.get(pk=examen.pk).statut == StatutExamen.AVIS
    lance = ExamenFactory(marche=_marche(acteurs), a_lancer=True)
    with pytest.raises(ValidationError):
        services.examen_lancement_enregistrer(examen=lance, user=acteurs["acheteur"],
                                              date=datetime.date.today() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError):
        services.examen_avis_enregistrer(examen=lance, user=acteurs["facilitateur"], clause=False, motifs="Trop tard")


def test_one_examination_per_contract_and_none_once_notified(acteurs):
    marche = _marche(acteurs)
    services.examen_creer(marche=marche, user=acteurs["acheteur"], date_lancement_prevue=datetime.date(2099, 1, 1))
    with pytest.raises(ValidationError):
        services.examen_creer(marche=marche, user=acteurs["dcp"], date_lancement_prevue=datetime.date(2099, 1, 1))
    notifie = _marche(acteurs, date_notification=datetime.date(2025, 6, 1))
    with pytest.raises(ValidationError):
        services.examen_creer(marche=notifie, user=acteurs["acheteur"], date_lancement_prevue=datetime.date(2099, 1, 1))
    assert Examen.objects.count() == 1


def test_the_decision_starts_from_the_clauses_the_opinion_amounts_to():
    assert clauses_proposees([TypeAvis.SOUS_TRAITANCE_SIAE, TypeAvis.CRITERE, TypeAvis.HEURES, "inconnu"]) == [
        TypeClause.INSERTION, TypeClause.CRITERE_SOCIAL]  # hours and SIAE sub-contracting: one insertion clause
    assert clauses_proposees([TypeAvis.LOT_RESERVE]) == [TypeClause.RESERVE_SIAE]
    assert clauses_proposees([]) == []
