"""Hostile DECP files (JSON and XML) fed to marches.services.decp_importer: random bytes, random JSON and
valid documents with mutated fields. The importer never raises; a refused file writes nothing and says
where (file, contract, field); an accepted file stores what it read. Entity expansion and external entities
are refused, fast."""

import copy
import json
import time
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from marches.models import Marche
from marches.services import decp_importer
from tests.core.factories import UserFactory
from tests.marches.decp_samples import ACHETEUR, CONCESSION, marche_v2
from tests.robustesse.hostile import HOSTILE, changed, json_value, rolled_back, snapshot, weird_text

pytestmark = pytest.mark.django_db

MUTABLE = [
    "id",
    "acheteur",
    "nature",
    "objet",
    "codeCPV",
    "techniques",
    "modalitesExecution",
    "marcheInnovant",
    "ccag",
    "offresRecues",
    "attributionAvance",
    "tauxAvance",
    "typeGroupementOperateurs",
    "sousTraitanceDeclaree",
    "procedure",
    "lieuExecution",
    "dureeMois",
    "dateNotification",
    "datePublicationDonnees",
    "montant",
    "typesPrix",
    "formePrix",
    "titulaires",
    "considerationsSociales",
    "considerationsEnvironnementales",
    "origineUE",
    "origineFrance",
    "idAccordCadre",
    "modifications",
    "actesSousTraitance",
]
NASTY = st.one_of(
    json_value,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(
        [
            10**15,
            10**13,
            2**31,
            2**63,
            -1,
            1e308,
            -1e-300,
            "1e400",
            "2026-02-30",
            "31/12/9999",
            "12345678901234",
            "00000000000000",
            "73282932000075",
            "=1+1",
            "\x00",
            "a\x00b",
            "\ud800",
            {"id": "\x00"},
            {"id": "1" * 40},
            [{"titulaire": {"id": "=HYPERLINK()", "typeIdentifiant": "SIRET"}}],
            [{"modification": {"id": 2**40, "dureeMois": 2**40, "montant": 10**14}}],
            {"code": "x" * 50, "typeCode": "Code postal", "nom": "\x00"},
        ]
    ),
)


def _xml(tag, value) -> str:
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(_xml(k, v) for k, v in value.items() if _tag_ok(k)) + f"</{tag}>"
    if isinstance(value, list):
        return "".join(_xml(tag, v) for v in value)
    if value is None:
        return f"<{tag}/>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def _tag_ok(key) -> bool:
    return isinstance(key, str) and key[:1].isalpha() and all(c.isalnum() or c in "-_." for c in key)


def xml_document(*marches) -> bytes:
    body = "".join(_xml("marche", m) for m in marches)
    return f'<?xml version="1.0" encoding="UTF-8"?><marches>{body}</marches>'.encode("utf-8", "surrogatepass")


def json_document(*marches, concessions=()) -> bytes:
    body = {"marche": list(marches)}
    if concessions:
        body["contrat-concession"] = list(concessions)
    return json.dumps({"marches": body}, ensure_ascii=False).encode("utf-8", "surrogatepass")


@pytest.fixture
def user():
    return UserFactory(role="dcp")


def check(data: bytes, fichier: str, user):
    """Import and check the properties; returns the report."""
    before = snapshot()
    report = decp_importer(data=data, fichier=fichier, user=user)
    after = snapshot()
    assert isinstance(report, dict)
    event("refusé" if report["refuse"] else "accepté")
    if report["refuse"]:
        assert changed(before, after) == {}, report["texte_erreurs"]
        assert report["texte_erreurs"]
        for text in report["texte_erreurs"]:
            assert text.startswith(f"{fichier} : "), text
    else:
        assert after["core.ImportJournal"] == before["core.ImportJournal"] + 1
    return report


@HOSTILE
@given(data=st.binary(max_size=3000))
def test_random_bytes(user, data):
    with rolled_back():
        check(data, "octets.json", user)


@HOSTILE
@given(document=json_value)
def test_random_json(user, document):
    with rolled_back():
        check(
            json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass"), "aleatoire.json", user
        )


def _mutate(base: dict, mutations: dict) -> dict:
    record = copy.deepcopy(base)
    for key, value in mutations.items():
        if value is _DELETE:
            record.pop(key, None)
        else:
            record[key] = value
    return record


_DELETE = object()
mutations = st.dictionaries(
    st.sampled_from(MUTABLE), st.one_of(NASTY, st.just(_DELETE)), min_size=1, max_size=4
)


def _stored_matches(report, record, user):
    """An accepted contract is stored with the text and amount it was read with."""
    if report["refuse"] or report["nb_lus"] == 0:
        return
    ident = str(record.get("id", "")).strip()
    marches = Marche.objects.filter(acheteur__siret=ACHETEUR, identifiant=ident)
    if (
        not ident
        or marches.count() != 1
        or not isinstance(record.get("acheteur"), dict)
        or record["acheteur"].get("id") != ACHETEUR
    ):
        return
    marche = marches.get()
    objet = record.get("objet")
    if isinstance(objet, str) and objet.strip():
        assert marche.objet == objet.strip()
    montant = record.get("montant")
    if isinstance(montant, int) and not isinstance(montant, bool) and not record.get("modifications"):
        assert marche.montant_ht == Decimal(montant)


@HOSTILE
@given(mutation=mutations, doubled=st.booleans())
def test_mutated_json(user, mutation, doubled):
    record = _mutate(marche_v2(), mutation)
    records = [record, record] if doubled else [record]
    with rolled_back():
        report = check(json_document(*records), "mute.json", user)
        _stored_matches(report, record, user)
        if doubled and not report["refuse"]:
            assert report["nb_doublons"] == 1


@HOSTILE
@given(
    mutation=st.dictionaries(
        st.sampled_from(sorted(CONCESSION)), st.one_of(NASTY, st.just(_DELETE)), min_size=1, max_size=4
    )
)
def test_mutated_concession(user, mutation):
    with rolled_back():
        check(json_document(concessions=[_mutate(CONCESSION, mutation)]), "concession.json", user)


@HOSTILE
@given(mutation=mutations, text=weird_text)
def test_mutated_xml(user, mutation, text):
    record = _mutate(marche_v2(), mutation)
    with rolled_back():
        report = check(xml_document(record, marche_v2(id="X2", objet=text)), "mute.xml", user)
        _stored_matches(report, record, user)


def test_huge_values_are_refused_with_their_place(user):
    record = marche_v2(montant=10**14, dureeMois=2**40, offresRecues=10**12, objet="a\x00b")
    before = snapshot()
    report = decp_importer(data=json_document(record), fichier="enorme.json", user=user)
    assert report["refuse"] and changed(before, snapshot()) == {}
    text = "\n".join(report["texte_erreurs"])
    assert "enorme.json : contrat n° 1 (id « 2026T001 »), champ « montant »" in text
    assert "champ « dureeMois »" in text and "champ « offresRecues »" in text and "champ « objet »" in text


def test_valid_document_is_stored(user):
    report = decp_importer(
        data=json_document(marche_v2(objet="=1+1 Travaux « RD »")), fichier="ok.json", user=user
    )
    assert not report["refuse"], report["texte_erreurs"]
    marche = Marche.objects.get(identifiant="2026T001")
    assert (marche.objet, marche.montant_ht, marche.duree_mois) == (
        "=1+1 Travaux « RD »",
        Decimal("850000"),
        12,
    )


# --- XML bombs and external entities -------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<marches><marche><id>2026T001</id><acheteur><id>22400001800016</id></acheteur><objet>&lol9;</objet></marche></marches>
"""

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE marches [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<marches><marche><id>2026T001</id><acheteur><id>22400001800016</id></acheteur><objet>&xxe;</objet></marche></marches>
"""

XXE_HTTP = b"""<?xml version="1.0"?>
<!DOCTYPE marches [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/evil.dtd"> %ext;]>
<marches><marche><id>2026T001</id><acheteur><id>22400001800016</id></acheteur><objet>x</objet></marche></marches>
"""

QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "'
    + b"x" * 50_000
    + b'">]><marches><marche><objet>'
    + b"&a;" * 20_000
    + b"</objet></marche></marches>"
)


@pytest.mark.parametrize(
    "name,data",
    [
        ("bombe.xml", BILLION_LAUGHS),
        ("xxe.xml", XXE_FILE),
        ("xxe-http.xml", XXE_HTTP),
        ("quadratique.xml", QUADRATIC),
    ],
)
def test_xml_entities_are_refused_fast(user, name, data):
    before = snapshot()
    start = time.monotonic()
    report = decp_importer(data=data, fichier=name, user=user)
    assert time.monotonic() - start < 2
    assert report["refuse"]
    assert changed(before, snapshot()) == {}
    assert report["texte_erreurs"] == [
        f"{name} : fichier : XML illisible ou dangereux "
        f"(le fichier déclare des entités (DTD), refusées par sécurité)"
    ]
    assert "root:" not in json.dumps(report)
