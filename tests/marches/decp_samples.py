"""Small DECP documents for tests."""

import copy
import json

ACHETEUR = "22400001800016"


def marche_v2(**overrides):
    record = {
        "id": "2026T001", "acheteur": {"id": ACHETEUR}, "nature": "Marché",
        "objet": "Réfection de la RD 824", "codeCPV": "45233140",
        "techniques": {"technique": ["Sans objet"]}, "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
        "marcheInnovant": False, "ccag": "Travaux", "offresRecues": 3, "attributionAvance": False,
        "typeGroupementOperateurs": "Pas de groupement", "sousTraitanceDeclaree": False,
        "procedure": "Appel d'offres ouvert", "lieuExecution": {"code": "40000", "typeCode": "Code postal"},
        "dureeMois": 12, "dateNotification": "2026-02-01", "datePublicationDonnees": "2026-02-10",
        "montant": 850000, "typesPrix": {"typePrix": ["Définitif révisable"]}, "formePrix": "Unitaire",
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "73282932000074"}}],
        "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
        "considerationsEnvironnementales": {"considerationEnvironnementale": ["Critère environnemental"]},
    }
    record.update(overrides)
    return record


def document(*marches, concessions=()):
    body = {"marche": [copy.deepcopy(m) for m in marches]}
    if concessions:
        body["contrat-concession"] = list(concessions)
    return json.dumps({"marches": body}, ensure_ascii=False).encode()


CONCESSION = {
    "id": "2025DSP01", "autoriteConcedante": {"id": ACHETEUR}, "nature": "Délégation de service public",
    "objet": "Exploitation du service de transport scolaire", "procedure": "Procédure négociée ouverte",
    "dureeMois": 84, "dateSignature": "2025-06-01", "datePublicationDonnees": "2025-06-20",
    "dateDebutExecution": "2025-09-01", "valeurGlobale": 12000000, "montantSubventionPublique": 0,
    "concessionnaires": [{"concessionnaire": {"typeIdentifiant": "SIRET", "id": "73282932000074"}}],
    "considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]},
    "considerationsEnvironnementales": {"considerationEnvironnementale": ["Clause environnementale"]},
}

XML_V2 = """<?xml version="1.0" encoding="UTF-8"?>
<marches>
  <marche>
    <id>2026X01</id>
    <acheteur><id>22400001800016</id></acheteur>
    <nature>Marché</nature>
    <objet>Nettoyage des locaux du collège de Tartas</objet>
    <codeCPV>90910000</codeCPV>
    <techniques><technique>Accord-cadre</technique></techniques>
    <modalitesExecution><modaliteExecution>Bons de commande</modaliteExecution></modalitesExecution>
    <marcheInnovant>false</marcheInnovant>
    <ccag>Fournitures courantes et services</ccag>
    <offresRecues>4</offresRecues>
    <attributionAvance>false</attributionAvance>
    <typeGroupementOperateurs>Pas de groupement</typeGroupementOperateurs>
    <sousTraitanceDeclaree>false</sousTraitanceDeclaree>
    <procedure>Procédure adaptée</procedure>
    <lieuExecution><code>40400</code><typeCode>Code postal</typeCode></lieuExecution>
    <dureeMois>36</dureeMois>
    <dateNotification>2026-03-01</dateNotification>
    <datePublicationDonnees>2026-03-05</datePublicationDonnees>
    <montant>180000.50</montant>
    <typesPrix><typePrix>Définitif ferme</typePrix></typesPrix>
    <formePrix>Unitaire</formePrix>
    <titulaires>
      <titulaire><typeIdentifiant>SIRET</typeIdentifiant><id>73282932000074</id></titulaire>
      <titulaire><typeIdentifiant>SIRET</typeIdentifiant><id>35600000000048</id></titulaire>
    </titulaires>
    <considerationsSociales><considerationSociale>Marché réservé</considerationSociale></considerationsSociales>
    <considerationsEnvironnementales>
      <considerationEnvironnementale>Clause environnementale</considerationEnvironnementale>
      <considerationEnvironnementale>Critère environnemental</considerationEnvironnementale>
    </considerationsEnvironnementales>
    <modifications>
      <modification><id>1</id><dateNotificationModification>2026-06-01</dateNotificationModification>
        <datePublicationDonneesModification>2026-06-05</datePublicationDonneesModification>
        <montant>195000</montant><dureeMois>40</dureeMois></modification>
    </modifications>
  </marche>
</marches>
"""

XML_BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<marches><marche><id>&lol2;</id></marche></marches>
"""
