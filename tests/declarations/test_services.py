"""Declaring, validating and sending back a month (declarations.services)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations import selectors, services
from declarations.enums import StatutDeclaration
from declarations.models import Declaration, Justificatif
from facilitateurs.models import HeuresMensuelles, MiseEnEmploi
from tests.declarations.factories import PDF
from tests.facilitateurs.factories import HeuresMensuellesFactory, ParticipantFactory

SEPT = datetime.date(2025, 9, 1)
AUJOURDHUI = datetime.date(2026, 11, 30)


def pdf(nom="bulletin.pdf"):
    return SimpleUploadedFile(nom, PDF, content_type="application/pdf")


def deposer(cas, lignes, justificatifs=None, mois=SEPT, marche=None, entreprise=None):
    return services.declaration_deposer(
        marche=marche or cas.marche, entreprise=entreprise or cas.entreprise, mois=mois, lignes=lignes,
        justificatifs=[pdf()] if justificatifs is None else justificatifs, auteur=cas.contact.user, today=AUJOURDHUI)


def ligne(**kw):
    return {"participant": None, "personne_proposee": "", "modalite": "EMBAUCHE_DIRECTE", "type_contrat": "CDD",
            "heures": None, "montant_ht": None, **kw}


def test_a_declared_then_validated_month_becomes_the_months_hours_with_who_declared_and_validated(cas):
    declaration = deposer(cas, [ligne(participant=cas.participant, heures=Decimal("120")),
                                ligne(modalite="SOUS_TRAITANCE_SIAE", montant_ht=Decimal("3000"), type_contrat="")])
    assert HeuresMensuelles.objects.count() == 0  # nothing counts before the facilitator validates
    services.declaration_valider(declaration=declaration, auteur=cas.facilitateur)

    declaration.refresh_from_db()
    assert declaration.statut == StatutDeclaration.VALIDEE
    assert (declaration.declaree_par, declaration.traitee_par) == (cas.contact.user, cas.facilitateur)
    rows = {h.modalite: h for h in HeuresMensuelles.objects.filter(marche=cas.marche, mois=SEPT)}
    assert rows["EMBAUCHE_DIRECTE"].heures == Decimal("120")
    assert rows["EMBAUCHE_DIRECTE"].participant == cas.participant
    assert rows["SOUS_TRAITANCE_SIAE"].montant_ht == Decimal("3000")
    assert rows["SOUS_TRAITANCE_SIAE"].participant is None
    assert rows["EMBAUCHE_DIRECTE"].history.first().history_user == cas.facilitateur
    assert {ligne.heures_mensuelles_id for ligne in declaration.lignes.all()} == {r.pk for r in rows.values()}
    # 120 h + 3 000 € at 30 €/h = 220 h realised by the company
    assert selectors.heures_entreprise_par_marche(cas.entreprise, [cas.marche.pk])[cas.marche.pk] == Decimal("220.00")


def test_a_new_person_must_be_qualified_by_the_facilitator_who_then_places_it(cas):
    declaration = deposer(cas, [ligne(personne_proposee="Nouvelle Recrue", heures=Decimal("35"))])
    with pytest.raises(ValidationError, match="rattachez la personne proposée"):
        services.declaration_valider(declaration=declaration, auteur=cas.facilitateur)
    assert Declaration.objects.get(pk=declaration.pk).statut == StatutDeclaration.EN_ATTENTE

    qualifie = ParticipantFactory(code="P-NOUVEAU")
    services.declaration_valider(declaration=declaration, auteur=cas.facilitateur,
                                 participants={declaration.lignes.get().pk: qualifie})
    assert HeuresMensuelles.objects.get(marche=cas.marche, participant=qualifie).heures == Decimal("35")
    assert MiseEnEmploi.objects.filter(participant=qualifie, entreprise=cas.entreprise, marche=cas.marche).exists()


def test_plausibility_rules_of_the_grid_refuse_more_than_208_h_a_month_across_contracts(cas):
    HeuresMensuellesFactory(participant=cas.participant, mois=SEPT, heures=Decimal("150"))  # another contract
    with pytest.raises(ValidationError) as exc:
        deposer(cas, [ligne(participant=cas.participant, heures=Decimal("100"))])
    assert "au plus 208" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError, match="au plus 208"):
        deposer(cas, [ligne(personne_proposee="Nouvelle Recrue", heures=Decimal("230"))])
    assert not Declaration.objects.exists()


def test_hours_outside_the_placement_are_refused(cas):
    MiseEnEmploi.objects.filter(participant=cas.participant).update(date_fin=datetime.date(2025, 8, 31))
    with pytest.raises(ValidationError, match="hors de la mise en emploi"):
        deposer(cas, [ligne(participant=cas.participant, heures=Decimal("10"))])


def test_siae_subcontracting_is_declared_in_euros(cas):
    with pytest.raises(ValidationError, match="en euros"):
        deposer(cas, [ligne(modalite="SOUS_TRAITANCE_SIAE", heures=Decimal("100"), type_contrat="")])


@pytest.mark.parametrize(("contenu", "nom", "message"), [
    (b"<html><script>alert(1)</script></html>", "bulletin.pdf", "ni un PDF ni une image"),
    (b"MZ\x90\x00 un executable", "facture.png", "ni un PDF ni une image"),
    (b"", "vide.pdf", "est vide"),
])
def test_a_proof_is_sniffed_not_trusted_by_its_name(cas, contenu, nom, message):
    with pytest.raises(ValidationError, match=message):
        deposer(cas, [ligne(participant=cas.participant, heures=Decimal("10"))],
                justificatifs=[SimpleUploadedFile(nom, contenu, content_type="application/pdf")])
    assert not Declaration.objects.exists() and not Justificatif.objects.exists()


def test_a_proof_is_size_limited_and_stored_outside_the_media_root(cas, settings):
    settings.JUSTIFICATIF_TAILLE_MAX = len(PDF) - 1
    with pytest.raises(ValidationError, match="taille maximale"):
        deposer(cas, [ligne(participant=cas.participant, heures=Decimal("10"))])
    settings.JUSTIFICATIF_TAILLE_MAX = 10_000
    declaration = deposer(cas, [ligne(participant=cas.participant, heures=Decimal("10"))],
                          justificatifs=[pdf(), SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)])
    stored = list(declaration.justificatifs.order_by("pk"))
    assert [j.type_contenu for j in stored] == ["application/pdf", "image/png"]
    chemin = stored[0].fichier.path
    assert chemin.startswith(str(settings.JUSTIFICATIFS_ROOT))
    assert not chemin.startswith(str(settings.MEDIA_ROOT))
    assert not stored[0].fichier.name.endswith("bulletin.pdf")  # the user's file name is never the stored one


def test_a_proof_is_required(cas):
    with pytest.raises(ValidationError, match="au moins un justificatif"):
        deposer(cas, [ligne(participant=cas.participant, heures=Decimal("10"))], justificatifs=[])


def test_a_company_declares_only_on_its_own_contracts_and_people(cas):
    with pytest.raises(ValidationError, match="n'est pas l'un de ceux"):
        deposer(cas, [ligne(personne_proposee="X", heures=Decimal("10"))], marche=cas.autre_marche)
    etranger = ParticipantFactory(code="P-AUTRE")
    with pytest.raises(ValidationError, match="n'est pas rattachée à votre entreprise"):
        deposer(cas, [ligne(participant=etranger, heures=Decimal("10"))])


def test_a_future_month_or_a_second_waiting_declaration_is_refused(cas):
    with pytest.raises(ValidationError, match="mois écoulés"):
        deposer(cas, [ligne(participant=cas.participant, heures=Decimal("10"))], mois=datetime.date(2027, 1, 1))
    deposer(cas, [ligne(participant=cas.participant, heures=Decimal("10"))])
    with pytest.raises(ValidationError, match="attend déjà"):
        deposer(cas, [ligne(participant=cas.participant, heures=Decimal("12"))])


def test_sent_back_with_a_reason_writes_no_hours_and_the_month_is_due_again(cas):
    declaration = deposer(cas, [ligne(participant=cas.participant, heures=Decimal("10"))])
    with pytest.raises(ValidationError):
        services.declaration_renvoyer(declaration=declaration, auteur=cas.facilitateur, motif="  ")
    services.declaration_renvoyer(declaration=declaration, auteur=cas.facilitateur, motif="Bulletin illisible")
    declaration.refresh_from_db()
    assert (declaration.statut, declaration.motif_renvoi) == (StatutDeclaration.RENVOYEE, "Bulletin illisible")
    assert not HeuresMensuelles.objects.exists()
    [tableau] = selectors.tableau_entreprise(cas.entreprise, today=datetime.date(2025, 10, 15))
    assert tableau.mois_non_declares == [datetime.date(2025, 7, 1), datetime.date(2025, 8, 1), SEPT]
    with pytest.raises(ValidationError, match="déjà renvoyée"):
        services.declaration_valider(declaration=declaration, auteur=cas.facilitateur)


def test_a_validated_month_is_corrected_only_by_a_new_declaration_which_replaces_it(cas):
    premiere = deposer(cas, [ligne(participant=cas.participant, heures=Decimal("100")),
                             ligne(participant=cas.participant, modalite="FORMATION", heures=Decimal("20"))])
    services.declaration_valider(declaration=premiere, auteur=cas.facilitateur)
    with pytest.raises(ValidationError, match="nouvelle déclaration"):
        services.declaration_renvoyer(declaration=premiere, auteur=cas.facilitateur, motif="trop tard")
    correction = deposer(cas, [ligne(participant=cas.participant, heures=Decimal("90"))])
    services.declaration_valider(declaration=correction, auteur=cas.facilitateur)
    heures = dict(HeuresMensuelles.objects.filter(marche=cas.marche, mois=SEPT).values_list("modalite", "heures"))
    assert heures == {"EMBAUCHE_DIRECTE": Decimal("90"), "FORMATION": Decimal("0")}


def test_the_table_lists_required_done_due_and_months_not_declared(cas):
    HeuresMensuellesFactory(marche=cas.marche, entreprise=cas.entreprise, participant=cas.participant,
                            mois=datetime.date(2025, 7, 1), heures=Decimal("150"))
    HeuresMensuellesFactory(marche=cas.marche, entreprise=cas.autre_entreprise, mois=datetime.date(2025, 8, 1),
                            heures=Decimal("80"))  # another company's hours: not the company's
    deposer(cas, [ligne(participant=cas.participant, heures=Decimal("10"))])  # September waiting
    [tableau] = selectors.tableau_entreprise(cas.entreprise, today=datetime.date(2025, 11, 10))
    assert tableau.marche == cas.marche
    assert (tableau.requises, tableau.realisees, tableau.restantes) == (Decimal("400"), Decimal("150.00"),
                                                                          Decimal("250.00"))
    assert tableau.mois_non_declares == [datetime.date(2025, 8, 1), datetime.date(2025, 10, 1)]
    assert selectors.tableau_entreprise(cas.autre_entreprise, today=AUJOURDHUI)[0].marche == cas.autre_marche


def test_months_asked_are_those_of_the_last_year_and_running_contracts_come_first(cas):
    import datetime as dt

    from tests.clauses.factories import ClauseMarcheFactory
    from tests.marches.factories import AttributionFactory, MarcheFactory

    ancien = MarcheFactory(date_debut=dt.date(2019, 1, 1), date_fin=dt.date(2020, 12, 31))
    ClauseMarcheFactory(marche=ancien, heures_requises=Decimal("100"))
    AttributionFactory(marche=ancien, entreprise=cas.entreprise)
    today = dt.date(2026, 11, 30)
    tableau = selectors.tableau_entreprise(cas.entreprise, today=today)
    assert [ligne.marche for ligne in tableau] == [cas.marche, ancien]
    assert tableau[0].mois_non_declares[0] == dt.date(2025, 11, 1)  # 12 months back
    assert tableau[0].mois_non_declares[-1] == dt.date(2026, 10, 1)
    assert tableau[1].mois_non_declares == []
