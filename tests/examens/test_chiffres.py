"""The examinations' figures on hand-built data, their shapes in the indicator engine and the SPASER evaluation,
and the rule "launched without an examination" (marches.compliance) against its SQL twin (examens.selectors)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from bilans.definitions import chiffres_cles
from bilans.selectors import indicateurs_annuels
from core.enums import Role
from examens.enums import MotifNonRetenu, StatutExamen
from examens.regles import delais_jours, mediane, moyenne, part
from examens.selectors import examens_chiffres, lances_sans_examen, marches_du_perimetre
from examens.templatetags.examens_tags import examen_du_marche
from marches.compliance import examen_manquant
from spaser.figures import figure_value
from tests.core.factories import OrganisationFactory, UserFactory
from tests.examens.factories import ExamenFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db
D = Decimal
FIN_2026 = datetime.date(2026, 12, 31)


def instant(y, m, d, h=10):
    return timezone.make_aware(datetime.datetime(y, m, d, h))


def examen(marche, *, ouvert, decide=None, propose=None, retenue=False, motif=""):
    return ExamenFactory(marche=marche, ouvert_le=ouvert, decide_le=decide, avis_clause=propose,
                         sociale_retenue=retenue, motif_non_retenu=motif,
                         statut=StatutExamen.LANCE if decide else StatutExamen.AVIS)


@pytest.fixture
def jeu(settings):
    """2026 (examinations apply from 01/01/2026). Launched in 2026: M1 (decided 10 days before), M2 (decided 4
    days after launch), M3 (no examination), M5 (decided the day of its launch): 2 of 4 examined before launch.
    M4 launched in December 2025 (before the rule) and a contract of another buyer are out. Decided in 2026:
    E1 proposed and retained (10 days), E2 proposed, not retained, amount too small (8 days), E5 not proposed,
    not retained, no local supply (10 days); E7 was decided in 2025."""
    settings.SPASER = {**settings.SPASER, "EXAMENS_DEPUIS": "2026-01-01"}
    instance = OrganisationFactory(instance=True)
    autre = OrganisationFactory(partenaire=True)

    def lance(le, acheteur=instance):
        return MarcheFactory(acheteur=acheteur, date_lancement=le, date_notification=None)

    m1, m2, m3 = lance(datetime.date(2026, 3, 1)), lance(datetime.date(2026, 3, 1)), lance(datetime.date(2026, 4, 1))
    m4, m5 = lance(datetime.date(2025, 12, 15)), lance(datetime.date(2026, 5, 1))
    examen(m1, ouvert=instant(2026, 2, 10), decide=instant(2026, 2, 20), propose=True, retenue=True)
    examen(m2, ouvert=instant(2026, 2, 25), decide=instant(2026, 3, 5), propose=True,
           motif=MotifNonRetenu.MONTANT_FAIBLE)
    examen(m5, ouvert=instant(2026, 4, 21), decide=instant(2026, 5, 1, 9), propose=False,
           motif=MotifNonRetenu.PAS_OFFRE_LOCALE)
    examen(m4, ouvert=instant(2025, 12, 1), decide=instant(2025, 12, 10), propose=True, retenue=True)
    examen(lance(datetime.date(2026, 3, 1), acheteur=autre), ouvert=instant(2026, 2, 1),
           decide=instant(2026, 2, 2), propose=True, retenue=True)
    return {"instance": instance, "m1": m1, "m2": m2, "m3": m3, "m4": m4, "m5": m5}


def test_figures_of_a_year(jeu):
    data = examens_chiffres(marches=marches_du_perimetre(acheteur=jeu["instance"]), annee=2026, today=FIN_2026)
    assert (data.lances, data.lances_examines, data.part_examines) == (4, 2, D("0.5"))
    assert (data.decides, data.proposes, data.retenus, data.non_retenus) == (3, 2, 1, 2)
    assert data.part_proposes == D("0.6667") and data.part_retenus == D("0.3333")
    assert {ligne.motif: ligne.nombre for ligne in data.motifs} == {
        "pas_offre_locale": 1, "montant_faible": 1, "duree_courte": 0, "technique": 0, "autre": 0}
    # 10, 8 and 9.96 days (the last one decided at 9:00, opened at 10:00).
    assert data.delai_moyen_jours == D("9.3") and data.delai_median_jours == D("10.0")


def test_launches_still_to_come_are_not_counted_yet(jeu):
    data = examens_chiffres(marches=marches_du_perimetre(acheteur=jeu["instance"]), annee=2026,
                            today=datetime.date(2026, 3, 31))
    assert (data.lances, data.lances_examines) == (2, 1)  # M1 and M2 only: M3 and M5 are launched later


def test_without_anything_to_divide_the_shares_are_not_measured(jeu):
    data = examens_chiffres(marches=marches_du_perimetre(acheteur=jeu["instance"]), annee=2024, today=FIN_2026)
    assert (data.lances, data.decides) == (0, 0)
    assert data.part_examines is None and data.part_retenus is None and data.delai_moyen_jours is None


def test_the_engine_carries_them_to_the_evaluation_and_the_key_figures(jeu, monkeypatch):
    monkeypatch.setattr("examens.selectors.timezone.localdate", lambda: FIN_2026)
    data = indicateurs_annuels(acheteur=jeu["instance"], annee=2026, details=False)
    assert data.examens.part_examines == D("0.5") and data.examens.retenus == 1
    assert figure_value("examens_part_examines", data) == D("0.5")
    assert figure_value("examens_part_retenus", data) == D("0.3333")
    assert figure_value("examens_delai_decision", data) == D("9.3")
    cles = {k["cle"]: k for k in chiffres_cles(data)}
    assert cles["examens_part_examines"]["valeur"] == "50,0\u00a0%"
    assert "montant trop faible : 1" in cles["examens_part_retenus"]["libelle"]
    assert "consultation a été lancée dans l'année" in cles["examens_part_examines"]["definition"]


def test_launched_without_examination_the_rule_and_its_sql_agree(jeu):
    decide = {m.pk: timezone.localtime(m.examen.decide_le).date() for m in
              (jeu["m1"], jeu["m2"], jeu["m4"], jeu["m5"])}
    depuis = datetime.date(2026, 1, 1)
    attendus = {jeu[k].pk for k in ("m1", "m2", "m3", "m4", "m5")
                if examen_manquant(date_lancement=jeu[k].date_lancement, date_decision=decide.get(jeu[k].pk),
                                   today=FIN_2026, depuis=depuis)}
    assert attendus == {jeu["m2"].pk, jeu["m3"].pk}
    trouves = set(lances_sans_examen(marches_du_perimetre(acheteur=jeu["instance"]), today=FIN_2026)
                  .values_list("pk", flat=True))
    assert trouves == attendus


def test_pure_helpers():
    assert part(1, 3) == D("0.3333") and part(2, 3) == D("0.6667") and part(1, 0) is None
    ouvert = instant(2026, 1, 1, 0)
    assert delais_jours([(ouvert, instant(2026, 1, 2, 12)), (ouvert, None)]) == [D("1.5")]
    assert moyenne([D("1"), D("2")]) == D("1.5") and mediane([D("1"), D("2"), D("10")]) == D("2.0")
    assert moyenne([]) is None and mediane([]) is None
    assert not examen_manquant(date_lancement=datetime.date(2026, 5, 1), date_decision=datetime.date(2026, 5, 1),
                               today=FIN_2026, depuis=datetime.date(2026, 1, 1))
    assert examen_manquant(date_lancement=datetime.date(2026, 5, 1), date_decision=datetime.date(2026, 5, 2),
                           today=FIN_2026, depuis=datetime.date(2026, 1, 1))
    assert not examen_manquant(date_lancement=datetime.date(2026, 5, 1), date_decision=None,
                               today=datetime.date(2026, 4, 30), depuis=datetime.date(2026, 1, 1))


def test_the_contract_page_and_the_lists_flag_the_same_contracts_at_every_boundary(settings, monkeypatch, rf):
    """The rule as the contract's page applies it (the template tag: buyers followed, then
    marches.compliance.examen_manquant on the local decision date) against its SQL twin (lances_sans_examen, the
    DCP's home), on launch day = today, = the start date, the day before it, a decision a few minutes either side
    of midnight after the launch (stored in UTC the day before), and the three kinds of buyer."""
    settings.SPASER = {**settings.SPASER, "EXAMENS_DEPUIS": "2026-03-01"}
    today = datetime.date(2026, 6, 10)
    monkeypatch.setattr("examens.templatetags.examens_tags.timezone.localdate", lambda: today)
    instance = OrganisationFactory(instance=True)
    partenaire, open_data = OrganisationFactory(partenaire=True), OrganisationFactory()

    def lance(le, acheteur=instance, decide=None):
        marche = MarcheFactory(acheteur=acheteur, date_lancement=le, date_notification=None)
        if decide is not None:
            examen(marche, ouvert=instant(2026, 4, 1), decide=decide)
        return marche

    mai = datetime.date(2026, 5, 1)
    marches = {
        "aujourd_hui": lance(today), "demain": lance(today + datetime.timedelta(days=1)),
        "depuis": lance(datetime.date(2026, 3, 1)), "veille_depuis": lance(datetime.date(2026, 2, 28)),
        "decide_00h30_lendemain": lance(mai, decide=instant(2026, 5, 2, 0).replace(minute=30)),
        "decide_23h30_le_jour": lance(mai, decide=instant(2026, 5, 1, 23).replace(minute=30)),
        "partenaire": lance(mai, acheteur=partenaire), "open_data": lance(mai, acheteur=open_data),
    }
    request = rf.get("/")
    request.user = UserFactory(role=Role.DCP, organisation=instance)
    page = {cle for cle, m in marches.items() if examen_du_marche({"request": request}, m)["manquant"]}
    assert page == {"aujourd_hui", "depuis", "decide_00h30_lendemain", "partenaire"}
    sql = set(lances_sans_examen().values_list("pk", flat=True))
    assert sql == {marches[cle].pk for cle in page}
