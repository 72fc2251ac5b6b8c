from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clauses.enums import TypeClause
from clauses.models import ClauseMarche, ClauseModele
from clauses.services import clause_modele_creer, clause_modele_modifier
from clauses.textes import placeholders_inconnus, texte_rendu, valeurs_formatees
from core.enums import Role
from marches.services import clause_marche_enregistrer
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import UserFactory
from tests.marches.factories import LotFactory, MarcheFactory


def test_placeholders_render_in_french_formats():
    valeurs = valeurs_formatees(montant_ht=Decimal("1234567.8"), heures_requises=Decimal("17440"),
                                taux_insertion=Decimal("0.05"), part_main_oeuvre=Decimal("0.125"),
                                cout_horaire=Decimal("30"), delai="12 mois", acheteur="Département des Landes",
                                objet="Collège")
    texte = texte_rendu("{montant_ht} ; {heures_requises} ; {taux_insertion} ; {part_main_oeuvre} ; "
                        "{cout_horaire} ; {delai} ; {acheteur} ; {objet}", valeurs)
    assert texte == ("1\u202f234\u202f567,80\u00a0€ ; 17\u202f440\u00a0h ; 5\u00a0% ; 12,5\u00a0% ; 30,00\u00a0€ ; "
                     "12 mois ; le Département des Landes ; Collège")


def test_missing_value_is_visible_and_unknown_names_are_listed():
    assert texte_rendu("{heures_requises}", {}) == "[à compléter]"
    assert placeholders_inconnus("{montant_ht} {montant} {delais} {montant}") == ["montant", "delais"]
    assert placeholders_inconnus("Aucune variable, ni accolade") == []


@pytest.mark.django_db
def test_unknown_placeholder_refused_by_the_service():
    with pytest.raises(ValidationError):
        clause_modele_creer(modele=ClauseModele(titre="X", type_clause=TypeClause.AUTRE), texte="{prix}")
    assert not ClauseModele.objects.exists()


@pytest.mark.django_db
def test_unknown_placeholder_is_a_clear_form_error(client):
    client.force_login(UserFactory(role=Role.DCP))
    response = client.post(reverse("clauses:clause_modele_create"), {
        "titre": "Clause fautive", "type_clause": TypeClause.INSERTION, "texte": "Réaliser {heures} heures.",
    })
    assert response.status_code == 200
    assert "Variable inconnue : {heures}" in response.content.decode()
    assert not ClauseModele.objects.exists()
    assert "Clause fautive" in response.content.decode()  # what the user typed is kept


@pytest.mark.django_db
def test_edited_model_clause_does_not_change_a_contracts_text(client):
    famille = FamilleAchatFactory()
    modele = clause_modele_creer(modele=ClauseModele(titre="Insertion", type_clause=TypeClause.INSERTION),
                                  texte="Version 1 : {heures_requises} pour {acheteur}.", familles=[famille])
    marche = MarcheFactory(famille=famille, montant_ht=Decimal("1000000"))
    clause = clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION,
                                                    version=modele.version_courante))
    assert clause.texte == "Version 1 : 833\u00a0h pour le Département des Landes."

    user = UserFactory(role=Role.DCP)
    client.force_login(user)
    response = client.post(reverse("clauses:clause_modele_update", args=[modele.pk]), {
        "titre": "Insertion", "type_clause": TypeClause.INSERTION, "familles": [famille.pk],
        "texte": "Version 2 : {heures_requises}.", "note": "Nouvelle rédaction",
    })
    assert response.status_code == 302
    modele.refresh_from_db()
    assert modele.version_courante.numero == 2 and modele.version_courante.note == "Nouvelle rédaction"
    clause.refresh_from_db()
    assert clause.version.numero == 1
    assert clause.texte.startswith("Version 1")
    assert "v2 disponible" in client.get(reverse("clauses:marche_clauses", args=[marche.pk])).content.decode()
    # Re-saving the contract's clause (e.g. new amount) keeps its own version's wording.
    marche.montant_ht = Decimal("2000000")
    marche.save()
    clause_marche_enregistrer(clause=clause)
    assert clause.texte == "Version 1 : 1\u202f667\u00a0h pour le Département des Landes."
    # The buyer may choose to take the new version, explicitly.
    client.post(reverse("clauses:clause_modifier", args=[clause.pk]), {"delai": "", "mode_calcul": "taux",
                                                                        "maj_version": "on"})
    clause.refresh_from_db()
    assert clause.version.numero == 2 and clause.texte == "Version 2 : 1\u202f667\u00a0h."


@pytest.mark.django_db
def test_same_text_makes_no_new_version():
    modele = clause_modele_creer(modele=ClauseModele(titre="A", type_clause=TypeClause.AUTRE), texte="Texte")
    modele.titre = "B"
    _, version = clause_modele_modifier(modele=modele, texte="Texte")
    assert version is None and modele.versions.count() == 1


@pytest.mark.django_db
def test_lot_clause_uses_the_lot_amount():
    famille = FamilleAchatFactory()
    marche = MarcheFactory(famille=famille, montant_ht=Decimal("1000000"))
    lot = LotFactory(marche=marche, montant_ht=Decimal("300000"))
    modele = clause_modele_creer(modele=ClauseModele(titre="I", type_clause=TypeClause.INSERTION),
                                  texte="{montant_ht} : {heures_requises}")
    clause = clause_marche_enregistrer(clause=ClauseMarche(marche=marche, lot=lot, type_clause=TypeClause.INSERTION,
                                                    version=modele.version_courante))
    assert clause.heures_requises == Decimal("250")
    assert clause.texte == "300\u202f000,00\u00a0€ : 250\u00a0h"


@pytest.mark.parametrize("nom, texte, attendu", [
    ("Département des Landes", "désigné par {acheteur}, qui", "désigné par le Département des Landes, qui"),
    ("Département des Landes", "le clausier de {acheteur} ;", "le clausier du Département des Landes ;"),
    ("Département des Landes", "remet à {acheteur} les", "remet au Département des Landes les"),
    ("Département des Landes", "{acheteur} valide.", "Le Département des Landes valide."),
    ("Communauté d'agglomération du Grand Dax", "par {acheteur}", "par la Communauté d'agglomération du Grand Dax"),
    ("Office public de l'habitat", "de {acheteur}", "de l'Office public de l'habitat"),
    ("Agglomération de Mont-de-Marsan", "à {acheteur}", "à l'Agglomération de Mont-de-Marsan"),
    ("Le Grand Dax", "de {acheteur}", "du Grand Dax"),
    ("Landes Habitat", "désigné par {acheteur}", "désigné par Landes Habitat"),
    ("Landes Habitat", "le clausier de {acheteur}", "le clausier de Landes Habitat"),
    ("Hospices de Dax", "à {acheteur}", "aux Hospices de Dax"),
])
def test_the_buyer_takes_its_article_after_the_preposition(nom, texte, attendu):
    assert texte_rendu(texte, valeurs_formatees(acheteur=nom)) == attendu


def test_a_lots_clause_speaks_of_the_lots_amount():
    texte = "Il résulte du montant du marché ({montant_ht} HT), pour l'exécution {du_marche}."
    assert texte_rendu(texte, valeurs_formatees(montant_ht=Decimal("1000"), lot="lot n° 2")) == \
        "Il résulte du montant du lot (1\u202f000,00\u00a0€ HT), pour l'exécution du lot n° 2."
    assert texte_rendu(texte, valeurs_formatees(montant_ht=Decimal("1000"))) == \
        "Il résulte du montant du marché (1\u202f000,00\u00a0€ HT), pour l'exécution du marché."
