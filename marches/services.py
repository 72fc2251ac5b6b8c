"""Writes on contracts, lots, companies, attributions, amendments and EU thresholds. Every write is
atomic and recorded by simple-history with its author (from the request, or passed by commands).
Compliance (statut_conformite, manquements) is recomputed by Marche.save() on every save."""

from django.db import transaction

from core.services import record_author

from .compliance import conformite_evaluer
from .enums import TypeIdentifiant
from .models import Attribution, Entreprise, Lot, Marche, Modification, SeuilEuropeen


def seuils_charger() -> list[dict]:
    return list(SeuilEuropeen.objects.values("type_seuil", "date_debut", "date_fin", "montant_ht"))


def _montants_initiaux(marche: Marche, has_modifications: bool):
    if not has_modifications:
        marche.montant_initial_ht = marche.montant_ht
        marche.duree_initiale_mois = marche.duree_mois
    else:
        if marche.montant_initial_ht is None:
            marche.montant_initial_ht = marche.montant_ht
        if marche.duree_initiale_mois is None:
            marche.duree_initiale_mois = marche.duree_mois


CHAMPS_CLAUSES = ("montant_ht", "famille_id", "duree_mois")  # the clauses' hours and texts depend on them


@transaction.atomic
def marche_save(*, marche: Marche, user=None, reason: str = "", version: str | None = None) -> Marche:
    """Create or update a contract; compliance is computed on save. Without amendments the initial amount
    and duration follow the notified ones; with amendments the current values come from the amendments.

    `version`: the contract's version when the user opened the form (core.concurrence); if the contract
    changed since, ConflitModification is raised and nothing is written. When its amount (or family or
    duration) changes, its clauses' hours and texts follow (clauses.services.marche_clauses_actualiser)."""
    from clauses.services import marche_clauses_actualiser
    from core.concurrence import version_verifier

    version_verifier(marche, version, libelle="Ce marché")
    avant = Marche.objects.filter(pk=marche.pk).values(*CHAMPS_CLAUSES).first() if marche.pk else None
    has_modifications = bool(marche.pk) and marche.modifications.exists()
    _montants_initiaux(marche, has_modifications)
    if has_modifications:
        _appliquer_modifications(marche)
    record_author(marche, user=user, reason=reason)
    marche.save()
    if avant is not None and any(avant[f] != getattr(marche, f) for f in CHAMPS_CLAUSES):
        marche_clauses_actualiser(marche=marche, user=user)
    return marche


def marche_conformite_recalculer(*, queryset=None, batch_size: int = 2000) -> int:
    """Recompute compliance of many contracts (after a threshold changed); returns how many changed."""
    seuils = seuils_charger()
    queryset = queryset if queryset is not None else Marche.objects.all()
    changed = []
    for marche in queryset.iterator(chunk_size=batch_size):
        avant = (marche.statut_conformite, marche.manquements)
        marche.statut_conformite, marche.manquements = conformite_evaluer(marche, seuils)
        if (marche.statut_conformite, marche.manquements) != avant:
            changed.append(marche)
    Marche.objects.bulk_update(changed, ["statut_conformite", "manquements"], batch_size=batch_size)
    return len(changed)


@transaction.atomic
def marche_delete(*, marche: Marche, user=None) -> None:
    record_author(marche, user=user, reason="Suppression")
    marche.delete()


# --- Companies ---------------------------------------------------------------------------------------

def marche_recherche_actualiser(*, marche_ids) -> None:
    """Refresh the search text of contracts (kept for callers; models do it on attribution/company saves)."""
    from .search import recherche_rafraichir

    recherche_rafraichir(marche_ids)


@transaction.atomic
def entreprise_save(*, entreprise: Entreprise, user=None, reason: str = "") -> Entreprise:
    record_author(entreprise, user=user, reason=reason)
    entreprise.save()
    return entreprise


def entreprise_get_or_create(*, siret: str, nom: str = "", type_identifiant: str = TypeIdentifiant.SIRET,
                             code_postal: str = "", user=None) -> tuple[Entreprise, bool]:
    """Companies known only by their identifier (imports) are created from it; an existing one keeps its data,
    except an empty name that a file now gives."""
    entreprise = Entreprise.objects.filter(siret=siret).first()
    if entreprise is not None:
        if nom and not entreprise.nom:
            entreprise.nom = nom
            entreprise_save(entreprise=entreprise, user=user, reason="Nom repris d'un import")
        return entreprise, False
    entreprise = Entreprise(siret=siret, nom=nom, type_identifiant=type_identifiant, code_postal=code_postal)
    entreprise_save(entreprise=entreprise, user=user, reason="Créée à l'import")
    return entreprise, True


# --- Lots and attributions ---------------------------------------------------------------------------

@transaction.atomic
def lot_save(*, lot: Lot, user=None, reason: str = "") -> Lot:
    if lot.numero is None:
        dernier = lot.marche.lots.order_by("-numero").values_list("numero", flat=True).first()
        lot.numero = (dernier or 0) + 1
    record_author(lot, user=user, reason=reason)
    lot.save()
    from clauses.services import marche_clauses_actualiser

    marche_clauses_actualiser(marche=lot.marche, user=user, reason="Lot du marché modifié")
    return lot


@transaction.atomic
def lot_delete(*, lot: Lot, user=None) -> None:
    """Delete a lot (its clauses go with it); the contract's other clauses and considerations follow."""
    from clauses.services import marche_clauses_actualiser

    marche = lot.marche
    record_author(lot, user=user, reason="Suppression")
    lot.delete()
    marche_clauses_actualiser(marche=marche, user=user, reason="Lot du marché supprimé")


@transaction.atomic
def attribution_save(*, attribution: Attribution, user=None, reason: str = "") -> Attribution:
    record_author(attribution, user=user, reason=reason)
    attribution.save()
    marche = attribution.marche
    if attribution.role == "sous_traitant" and not marche.sous_traitance_declaree:
        marche.sous_traitance_declaree = True
        marche_save(marche=marche, user=user, reason="Sous-traitant déclaré")
    return attribution


@transaction.atomic
def attribution_delete(*, attribution: Attribution, user=None) -> None:
    record_author(attribution, user=user, reason="Suppression")
    attribution.delete()


# --- Amendments --------------------------------------------------------------------------------------

def _appliquer_modifications(marche: Marche) -> None:
    """Current amount and duration = those of the latest amendment that sets them, else the initial ones."""
    montant, duree = marche.montant_initial_ht, marche.duree_initiale_mois
    for modification in marche.modifications.order_by("numero"):
        if modification.montant_ht is not None:
            montant = modification.montant_ht
        if modification.duree_mois is not None:
            duree = modification.duree_mois
    marche.montant_ht, marche.duree_mois = montant, duree


@transaction.atomic
def modification_save(*, modification: Modification, user=None, reason: str = "") -> Modification:
    """Record an amendment; it updates the contract's amount and duration."""
    marche = modification.marche
    _montants_initiaux(marche, marche.modifications.exists())
    if modification.numero is None:
        dernier = marche.modifications.order_by("-numero").values_list("numero", flat=True).first()
        modification.numero = (dernier or 0) + 1
    record_author(modification, user=user, reason=reason)
    modification.save()
    _appliquer_modifications(marche)
    record_author(marche, user=user, reason=f"Modification n° {modification.numero}")
    marche.save()
    _clauses_actualiser(marche, user=user, reason=f"Modification n° {modification.numero}")
    return modification


@transaction.atomic
def modification_delete(*, modification: Modification, user=None) -> None:
    marche = modification.marche
    record_author(modification, user=user, reason="Suppression")
    modification.delete()
    _appliquer_modifications(marche)
    record_author(marche, user=user, reason="Modification supprimée")
    marche.save()
    _clauses_actualiser(marche, user=user, reason="Modification supprimée")


def _clauses_actualiser(marche: Marche, *, user, reason: str) -> None:
    """An amendment changes the amount or duration: the clauses' hours and texts follow."""
    from clauses.services import marche_clauses_actualiser

    marche_clauses_actualiser(marche=marche, user=user, reason=reason)


# --- EU thresholds -----------------------------------------------------------------------------------

@transaction.atomic
def seuil_save(*, seuil: SeuilEuropeen, user=None, reason: str = "") -> SeuilEuropeen:
    """Save a threshold and recompute the compliance of every contract (a few thousand rows at most
    are affected in practice; done in bulk)."""
    record_author(seuil, user=user, reason=reason)
    seuil.save()
    marche_conformite_recalculer()
    return seuil


# --- DECP import -------------------------------------------------------------------------------------

def _famille_matcher():
    """CPV -> purchase family, families loaded once (clauses.selectors.famille_pour_cpv does the same
    longest-prefix match with one query per call, too slow for 20,000 contracts)."""
    from clauses.models import FamilleAchat

    prefixes = []
    for famille_id, values in FamilleAchat.objects.filter(is_active=True).values_list("id", "prefixes_cpv"):
        for prefix in values or []:
            digits = "".join(ch for ch in str(prefix) if ch.isdigit())
            if digits:
                prefixes.append((digits, famille_id))
    prefixes.sort(key=lambda item: -len(item[0]))

    def match(code_cpv: str):
        digits = "".join(ch for ch in (code_cpv or "").split("-")[0] if ch.isdigit())
        if not digits:
            return None
        for prefix, famille_id in prefixes:
            if digits.startswith(prefix):
                return famille_id
        return None

    return match


def _chunks(values, size=2000):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _report(result, **counts) -> dict:
    anomalies = [a.as_dict() for a in result.anomalies[:50_000]]
    return {
        "fichier": result.fichier, "refuse": bool(result.erreurs), "nb_lus": result.nb_lus,
        "nb_doublons": result.nb_doublons, "nb_anomalies": len(result.anomalies), "anomalies": anomalies,
        "erreurs": [e.as_dict() for e in result.erreurs], "texte_erreurs": [str(e) for e in result.erreurs],
        "nb_crees": 0, "nb_modifies": 0, "nb_inchanges": 0, **counts,
    }


def decp_importer(*, data: bytes, fichier: str, user=None) -> dict:
    """Import one DECP file (JSON v1/v2 or XML). A file with an error is refused and writes nothing;
    otherwise every contract is created or updated in one transaction, with bulk operations."""
    from . import decp

    result = decp.parse_bytes(data, fichier)
    if result.erreurs:
        return _report(result)
    with transaction.atomic():
        counts = _decp_ecrire(result, user=user, raison=f"Import DECP {fichier}"[:100])
        report = _report(result, **counts)
        from .models import ImportJournal

        ImportJournal.objects.create(
            format=ImportJournal.Format.DECP, fichier=fichier[:255], user=user if getattr(user, "is_authenticated",
                                                                                          False) else None,
            nb_lus=result.nb_lus, nb_crees=counts["nb_crees"], nb_modifies=counts["nb_modifies"],
            nb_inchanges=counts["nb_inchanges"], nb_anomalies=len(result.anomalies),
            rapport={k: v for k, v in report.items() if k != "anomalies"} | {"anomalies": report["anomalies"][:500]},
        )
    return report


def _insert_rows(model, rows: list[dict]) -> list[int]:
    """Insert many rows (dicts of attname -> value) and return their ids, in order. On PostgreSQL the ids
    come from the sequence and the rows go through COPY (several times faster than INSERT for 20,000
    contracts with their indexes); elsewhere bulk_create."""
    from django.db import connection

    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=1000)
        return [o.pk for o in objects]
    from django.db import models
    from psycopg.types.json import Jsonb

    table = model._meta.db_table
    fields = [f for f in model._meta.concrete_fields]
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    columns = [f.column for f in fields]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [table, len(rows)])
        ids = [row[0] for row in cursor.fetchall()]
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                row["id"] = pk
                copy.write_row([Jsonb(row[f.attname]) if f.attname in json_fields else row[f.attname]
                                for f in fields])
    return ids


def _defaults(model) -> dict:
    return {f.attname: f.get_default() for f in model._meta.concrete_fields}


def _historiser(model, pks, *, type_: str, user, raison: str) -> None:
    """History rows (django-simple-history's table) for rows written in bulk, copied by the database itself:
    INSERT … SELECT of the tracked columns, with when, who and why."""
    from django.db import connection
    from django.utils import timezone

    historique = model.history.model
    quote = connection.ops.quote_name
    colonnes = ", ".join(quote(f.column) for f in historique.tracked_fields)
    now = timezone.now()
    with connection.cursor() as cursor:
        for chunk in _chunks(pks):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(historique._meta.db_table)} ({colonnes}, history_date, history_change_reason, "  # noqa: S608
                f"history_type, history_user_id) SELECT {colonnes}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({marks})",
                [now, raison, type_, getattr(user, "pk", None), *chunk])


def _decp_ecrire(result, *, user=None, raison: str = "Import DECP") -> dict:
    from types import SimpleNamespace

    from django.db import connection
    from django.utils import timezone

    from core.models import Organisation
    from core.services import organisation_get_or_create_from_siret

    from .enums import Origine
    from .search import texte_recherche

    records = result.records
    organisations = {o.siret: o.pk for o in Organisation.objects.filter(
        siret__in={r.acheteur_siret for r in records}).only("id", "siret")}
    noms = {r.acheteur_siret: r.acheteur_nom for r in records}
    for siret in {r.acheteur_siret for r in records} - set(organisations):
        organisation, _ = organisation_get_or_create_from_siret(siret=siret, nom=noms.get(siret, ""), user=user)
        organisations[siret] = organisation.pk

    # Companies: existing ones by identifier, the others created in bulk.
    titulaires = {}
    for r in records:
        for t in r.titulaires:
            titulaires.setdefault(t.id, t)
    entreprises = {}
    noms_entreprises = {}
    for chunk in _chunks(titulaires, 5000):
        for siret, pk, nom in Entreprise.objects.filter(siret__in=chunk).values_list("siret", "id", "nom"):
            entreprises[siret], noms_entreprises[siret] = pk, nom
    now = timezone.now()
    nouvelles = []
    for siret, t in titulaires.items():
        if siret not in entreprises:
            row = _defaults(Entreprise)
            row.update(siret=t.id, nom=t.nom, type_identifiant=t.type_identifiant, created_at=now)
            nouvelles.append(row)
    for row, pk in zip(nouvelles, _insert_rows(Entreprise, nouvelles), strict=True):
        entreprises[row["siret"]] = pk

    # Existing contracts with the same key.
    existants = {}
    for org_id in set(organisations.values()):
        idents = list({r.identifiant for r in records if organisations[r.acheteur_siret] == org_id})
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT id, identifiant, discriminant, decp_empreinte FROM marches_marche "
                               "WHERE acheteur_id = %s AND identifiant = ANY(%s)", [org_id, idents])
                found = cursor.fetchall()
        else:
            found = []
            for chunk in _chunks(idents):
                found += Marche.objects.filter(acheteur_id=org_id, identifiant__in=chunk).values_list(
                    "pk", "identifiant", "discriminant", "decp_empreinte")
        for pk, ident, disc, emp in found:
            existants[(org_id, ident, disc)] = (pk, emp)

    famille_pour = _famille_matcher()
    seuils = seuils_charger()
    creer, inchanges = [], 0
    a_charger = {}
    for r in records:
        key = (organisations[r.acheteur_siret], r.identifiant, r.discriminant)
        existing = existants.get(key)
        if existing is None:
            creer.append(r)
        elif existing[1] == r.empreinte:
            inchanges += 1
        else:
            a_charger[existing[0]] = r
    objets_existants = {}
    for chunk in _chunks(a_charger):
        objets_existants.update(Marche.objects.in_bulk(chunk))

    def remplir(marche, r):
        """`marche`: a Marche, or a namespace over a row dict (fast path)."""
        for name, value in r.champs.items():
            setattr(marche, name, value)
        marche.montant_initial_ht, marche.duree_initiale_mois = marche.montant_ht, marche.duree_mois
        for m in sorted(r.modifications, key=lambda m: m.numero):
            if m.montant_ht is not None:
                marche.montant_ht = m.montant_ht
            if m.duree_mois is not None:
                marche.duree_mois = m.duree_mois
        if marche.famille_id is None:
            marche.famille_id = famille_pour(marche.code_cpv)
        marche.decp_empreinte = r.empreinte
        marche.recherche = texte_recherche(objet=marche.objet, identifiant=marche.identifiant, entreprises=[
            (noms_entreprises.get(t.id) or t.nom, t.id) for t in r.titulaires])
        marche.statut_conformite, marche.manquements = conformite_evaluer(marche, seuils)
        marche.updated_at = now
        return marche

    defaults = _defaults(Marche)
    rows = []
    for r in creer:
        row = SimpleNamespace(**defaults)
        row.acheteur_id, row.identifiant, row.discriminant = organisations[r.acheteur_siret], r.identifiant, \
            r.discriminant
        row.origine, row.created_at = Origine.DECP, now
        rows.append(vars(remplir(row, r)))
    ids = _insert_rows(Marche, rows)
    modifies = [(remplir(objets_existants[pk], r), r) for pk, r in a_charger.items()]
    if modifies:
        fields = sorted(set().union(*(r.champs for _, r in modifies)) | {
            "montant_initial_ht", "duree_initiale_mois", "famille", "decp_empreinte", "statut_conformite",
            "manquements", "updated_at", "recherche"})
        Marche.objects.bulk_update([m for m, _ in modifies], fields, batch_size=500)
        for chunk in _chunks([m.pk for m, _ in modifies]):
            Attribution.objects.filter(marche_id__in=chunk).delete()
            Modification.objects.filter(marche_id__in=chunk).delete()
    attributions, modifications = [], []
    attribution_defaults, modification_defaults = _defaults(Attribution), _defaults(Modification)
    for marche_id, r in list(zip(ids, creer, strict=True)) + [(m.pk, r) for m, r in modifies]:
        for t in r.titulaires:
            attributions.append(attribution_defaults | {
                "marche_id": marche_id, "entreprise_id": entreprises[t.id], "role": t.role,
                "montant_ht": t.montant_ht, "date_notification": t.date_notification})
        for m in r.modifications:
            modifications.append(modification_defaults | {
                "marche_id": marche_id, "numero": m.numero, "objet": m.objet, "date_notification": m.date_notification,
                "date_publication_donnees": m.date_publication_donnees, "montant_ht": m.montant_ht,
                "duree_mois": m.duree_mois})
    _insert_rows(Attribution, attributions)
    _insert_rows(Modification, modifications)
    # Who and when for every contract written in bulk: the history rows save() would have made.
    auteur = user if getattr(user, "is_authenticated", False) else None
    _historiser(Marche, ids, type_="+", user=auteur, raison=raison)
    _historiser(Marche, [m.pk for m, _ in modifies], type_="~", user=auteur, raison=raison)
    return {"nb_crees": len(creer), "nb_modifies": len(modifies), "nb_inchanges": inchanges,
            "nb_entreprises_creees": len(nouvelles)}


# --- Register (spreadsheet) import ---------------------------------------------------------------------

def registre_importer(*, data: bytes, fichier: str, user=None) -> dict:
    """Import a register spreadsheet. Any bad row refuses the whole file (nothing written) with
    file, row, column and reason for every error."""
    from core.services import organisation_get_or_create_from_siret

    from . import register
    from .decp import _key
    from .enums import Origine, RoleEntreprise
    from .models import ImportJournal

    lecture = register.parse(data, fichier)
    familles = register.valider_references(lecture) if not lecture.erreurs else {}
    report = {"fichier": fichier, "refuse": bool(lecture.erreurs), "erreurs": lecture.erreurs,
              "texte_erreurs": lecture.texte_erreurs, "nb_lus": len(lecture.lignes), "nb_crees": 0,
              "nb_modifies": 0, "nb_inchanges": 0, "nb_anomalies": 0, "anomalies": [], "nb_doublons": 0}
    if lecture.erreurs:
        return report
    famille_pour = _famille_matcher()
    with transaction.atomic():
        for ligne in lecture.lignes:
            organisation, _ = organisation_get_or_create_from_siret(siret=ligne.acheteur_siret, user=user)
            marche = Marche.objects.filter(acheteur=organisation, identifiant=ligne.identifiant,
                                           discriminant="").first()
            creation = marche is None
            if creation:
                marche = Marche(acheteur=organisation, identifiant=ligne.identifiant, origine=Origine.REGISTRE)
            champs = dict(ligne.champs)
            if ligne.famille_nom:
                champs["famille_id"] = familles[_key(ligne.famille_nom)].pk
            elif creation or marche.famille_id is None:
                champs["famille_id"] = famille_pour(champs["code_cpv"])
            has_modifications = not creation and marche.modifications.exists()
            if has_modifications:  # the register shows the amount in force; amendments keep it
                champs.pop("montant_ht")
                champs.pop("duree_mois")
            changed = creation or any(getattr(marche, k) != v for k, v in champs.items())
            for name, value in champs.items():
                setattr(marche, name, value)
            if changed:
                marche_save(marche=marche, user=user, reason="Import du registre")
            titulaires_avant = set(marche.attributions.filter(role=RoleEntreprise.TITULAIRE, lot__isnull=True)
                                   .values_list("entreprise__siret", flat=True))
            if titulaires_avant != set(ligne.titulaires):
                changed = True
                for attribution in marche.attributions.filter(role=RoleEntreprise.TITULAIRE, lot__isnull=True) \
                        .exclude(entreprise__siret__in=ligne.titulaires):
                    attribution_delete(attribution=attribution, user=user)
                for siret in ligne.titulaires:
                    if siret not in titulaires_avant:
                        entreprise, _ = entreprise_get_or_create(siret=siret, user=user)
                        attribution_save(attribution=Attribution(marche=marche, entreprise=entreprise,
                                                                 role=RoleEntreprise.TITULAIRE), user=user)
            if ligne.clauses:
                from clauses import register as clauses_register

                clauses_register.apply(marche=marche, values=ligne.clauses, user=user)
                changed = True
            key = "nb_crees" if creation else ("nb_modifies" if changed else "nb_inchanges")
            report[key] += 1
        ImportJournal.objects.create(
            format=ImportJournal.Format.REGISTRE, fichier=fichier[:255],
            user=user if getattr(user, "is_authenticated", False) else None, nb_lus=report["nb_lus"],
            nb_crees=report["nb_crees"], nb_modifies=report["nb_modifies"], nb_inchanges=report["nb_inchanges"],
        )
    return report
