"""Writes on contracts, lots, companies, attributions, amendments, EU thresholds, and the clauses of a contract.
Every write is atomic and recorded by simple-history with its author (from the request, or passed by commands).

What a contract implies (its clauses' hours and texts, effective considerations, compliance, search text) is
computed by `marches.etat`, called exactly once by each write below; `Model.save()` computes nothing. The
result of that derivation (what changed: compliance before → after, warnings) is left on the contract as
`marche.etat_derive` for the views to tell the user.

Dependency: marches -> clauses, never the reverse (see marches.etat); clause writes that change a contract
live here."""

from django.core.exceptions import ValidationError
from django.db import transaction

from clauses import register as clauses_register
from clauses.enums import TypeClause
from clauses.models import ClauseMarche
from clauses.selectors import famille_id_matcher
from clauses.services import clause_calculer
from core.concurrence import version_verifier
from core.imports import (  # noqa: F401 - the uploads store lives in core.imports, kept importable here
    Probleme,
    import_fichier_stocker,
    import_fichier_supprimer,
    journal_enregistrer,
)
from core.models import ImportJournal, Organisation
from core.services import auteur_noter, historique_copier, organisation_obtenir_ou_creer_par_siret
from core.utils import chunks, sans_ramasse_miettes

from .enums import TypeIdentifiant
from .etat import (
    CHAMPS_DERIVES,
    CONSIDERATIONS,
    DECLAREES,
    EtatDerive,
    declarees_depuis_fichier,
    marche_etat_actualiser,
    marche_etat_deriver,
    marches_etat_deriver,
    marches_etat_recalculer,
    seuils_charger,
)
from .models import Attribution, Entreprise, Lot, Marche, Modification, SeuilEuropeen

__all__ = ["seuils_charger"]  # re-exported: callers (bench) load the thresholds from here


def _montants_initiaux(marche: Marche, has_modifications: bool):
    if not has_modifications:
        marche.montant_initial_ht = marche.montant_ht
        marche.duree_initiale_mois = marche.duree_mois
    else:
        if marche.montant_initial_ht is None:
            marche.montant_initial_ht = marche.montant_ht
        if marche.duree_initiale_mois is None:
            marche.duree_initiale_mois = marche.duree_mois


def conventions_bloquant_acheteur(*, marche: Marche, acheteur) -> list:
    """The conventions covering the (stored) contract whose partner is not `acheteur`: its buyer cannot change
    while they cover it (their partner would keep a contract that is no longer theirs, or lose it silently)."""
    if not marche.pk or acheteur is None:
        return []
    return list(marche.conventions.exclude(partenaire=acheteur).select_related("partenaire").order_by("intitule"))


def conventions_message(conventions) -> str:
    noms = ", ".join(f"« {c.intitule} » ({c.partenaire})" for c in conventions)
    mot = "la convention" if len(conventions) == 1 else "les conventions"
    return (f"Ce marché est couvert par {mot} {noms} : retirez-le de la convention avant de changer "
            f"d'acheteur (sinon le partenaire verrait un marché qui n'est plus le sien).")


def _acheteur_changement_verifier(marche: Marche) -> None:
    if not marche.pk:
        return
    stocke = Marche.objects.filter(pk=marche.pk).values_list("acheteur_id", flat=True).first()
    if stocke is None or stocke == marche.acheteur_id:
        return
    conventions = conventions_bloquant_acheteur(marche=marche, acheteur=marche.acheteur)
    if conventions:
        raise ValidationError({"acheteur": conventions_message(conventions)})


def _marche_ecrire(*, marche: Marche, user=None, reason: str = "", version: str | None = None, clauses=None,
                   entreprises=None) -> Marche:
    """The contract's own write: amounts from the amendments, derived state (once), one save, one history row."""
    version_verifier(marche, version, libelle="Ce marché")
    _acheteur_changement_verifier(marche)
    has_modifications = bool(marche.pk) and marche.modifications.exists()
    _montants_initiaux(marche, has_modifications)
    if has_modifications:
        _appliquer_modifications(marche)
    marche.etat_derive = marche_etat_deriver(marche=marche, user=user, reason=reason or "Marché modifié",
                                             clauses=clauses, entreprises=entreprises)
    auteur_noter(marche, user=user, reason=reason)
    marche.save()
    return marche


@transaction.atomic
def marche_enregistrer(*, marche: Marche, user=None, reason: str = "", version: str | None = None) -> Marche:
    """Create or update a contract. Without amendments the initial amount and duration follow the notified ones;
    with amendments the current values come from the amendments. Its derived state (clause hours and texts,
    considerations, compliance, search text) is computed once by marches.etat; `marche.etat_derive` says what
    changed.

    `version`: the contract's version when the user opened the form (core.concurrence); if the contract
    changed since, ConflitModification is raised and nothing is written. A change of buyer while a convention
    of another partner covers the contract raises ValidationError (field "acheteur")."""
    return _marche_ecrire(marche=marche, user=user, reason=reason, version=version)


@transaction.atomic
def marche_supprimer(*, marche: Marche, user=None) -> None:
    auteur_noter(marche, user=user, reason="Suppression")
    marche.delete()


# --- Companies ---------------------------------------------------------------------------------------

def marche_recherche_actualiser(*, marche_ids) -> None:
    """Derive again the state (search text included) of these contracts."""
    marches_etat_recalculer(queryset=Marche.objects.filter(pk__in=list(marche_ids)))


@transaction.atomic
def entreprise_enregistrer(*, entreprise: Entreprise, user=None, reason: str = "") -> Entreprise:
    """Save a company; contracts are searched by their companies' names and SIRETs, so a rename refreshes
    their search text."""
    avant = Entreprise.objects.filter(pk=entreprise.pk).values_list("nom", "siret").first() if entreprise.pk \
        else None
    auteur_noter(entreprise, user=user, reason=reason)
    entreprise.save()
    if avant is not None and avant != (entreprise.nom, entreprise.siret):
        marches_etat_recalculer(queryset=Marche.objects.filter(attributions__entreprise=entreprise).distinct())
    return entreprise


def entreprise_obtenir_ou_creer(*, siret: str, nom: str = "", type_identifiant: str = TypeIdentifiant.SIRET,
                             code_postal: str = "", user=None) -> tuple[Entreprise, bool]:
    """Companies known only by their identifier (imports) are created from it; an existing one keeps its data,
    except an empty name that a file now gives."""
    entreprise = Entreprise.objects.filter(siret=siret).first()
    if entreprise is not None:
        if nom and not entreprise.nom:
            entreprise.nom = nom
            entreprise_enregistrer(entreprise=entreprise, user=user, reason="Nom repris d'un import")
        return entreprise, False
    entreprise = Entreprise(siret=siret, nom=nom, type_identifiant=type_identifiant, code_postal=code_postal)
    entreprise_enregistrer(entreprise=entreprise, user=user, reason="Créée à l'import")
    return entreprise, True


# --- Lots and attributions ---------------------------------------------------------------------------

@transaction.atomic
def lot_enregistrer(*, lot: Lot, user=None, reason: str = "") -> Lot:
    """Save a lot; the clauses on it follow its amount. `lot.marche.etat_derive` warns when the lots sum above
    the contract's amount."""
    if lot.numero is None:
        dernier = lot.marche.lots.order_by("-numero").values_list("numero", flat=True).first()
        lot.numero = (dernier or 0) + 1
    auteur_noter(lot, user=user, reason=reason)
    lot.save()
    lot.marche.etat_derive = marche_etat_actualiser(marche=lot.marche, user=user, reason="Lot du marché modifié")
    return lot


@transaction.atomic
def lot_supprimer(*, lot: Lot, user=None) -> EtatDerive:
    """Delete a lot (its clauses go with it); the contract's other clauses and considerations follow."""
    marche = lot.marche
    auteur_noter(lot, user=user, reason="Suppression")
    lot.delete()
    marche.etat_derive = marche_etat_actualiser(marche=marche, user=user, reason="Lot du marché supprimé")
    return marche.etat_derive


def _attribution_ecrire(attribution: Attribution, *, user=None, reason: str = "") -> None:
    auteur_noter(attribution, user=user, reason=reason)
    attribution.save()


def _attribution_supprimer(attribution: Attribution, *, user=None) -> None:
    auteur_noter(attribution, user=user, reason="Suppression")
    attribution.delete()


@transaction.atomic
def attribution_enregistrer(*, attribution: Attribution, user=None, reason: str = "") -> Attribution:
    _attribution_ecrire(attribution, user=user, reason=reason)
    marche = attribution.marche
    if attribution.role == "sous_traitant" and not marche.sous_traitance_declaree:
        marche.sous_traitance_declaree = True
        _marche_ecrire(marche=marche, user=user, reason="Sous-traitant déclaré")
    else:
        marche.etat_derive = marche_etat_actualiser(marche=marche, user=user, reason="Entreprise du marché ajoutée")
    return attribution


@transaction.atomic
def attribution_supprimer(*, attribution: Attribution, user=None) -> EtatDerive:
    marche = attribution.marche
    _attribution_supprimer(attribution, user=user)
    marche.etat_derive = marche_etat_actualiser(marche=marche, user=user, reason="Entreprise du marché retirée")
    return marche.etat_derive


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
def modification_enregistrer(*, modification: Modification, user=None, reason: str = "") -> Modification:
    """Record an amendment; it updates the contract's amount and duration (and so its clauses' hours)."""
    marche = modification.marche
    _montants_initiaux(marche, marche.modifications.exists())
    if modification.numero is None:
        dernier = marche.modifications.order_by("-numero").values_list("numero", flat=True).first()
        modification.numero = (dernier or 0) + 1
    auteur_noter(modification, user=user, reason=reason)
    modification.save()
    _marche_ecrire(marche=marche, user=user, reason=f"Modification n° {modification.numero}")
    return modification


@transaction.atomic
def modification_supprimer(*, modification: Modification, user=None) -> EtatDerive:
    marche = modification.marche
    auteur_noter(modification, user=user, reason="Suppression")
    modification.delete()
    _appliquer_modifications(marche)  # back to the initial values when it was the last amendment
    _marche_ecrire(marche=marche, user=user, reason="Modification supprimée")
    return marche.etat_derive


# --- Clauses of a contract ---------------------------------------------------------------------------

@transaction.atomic
def clause_marche_enregistrer(*, clause: ClauseMarche, user=None, reason: str = "") -> ClauseMarche:
    """Compute the hours, render the text from the clause's own model version (so later versions of the model
    never change it), save, and derive the contract's state (considerations, compliance)."""
    clause_calculer(clause)
    auteur_noter(clause, user=user, reason=reason)
    clause.save()
    clause.marche.etat_derive = marche_etat_actualiser(marche=clause.marche, user=user,
                                                       reason="Considérations déduites des clauses")
    return clause


@transaction.atomic
def clause_marche_supprimer(*, clause: ClauseMarche, user=None) -> EtatDerive:
    marche = clause.marche
    auteur_noter(clause, user=user, reason="Suppression")
    clause.delete()
    marche.etat_derive = marche_etat_actualiser(marche=marche, user=user, reason="Considérations déduites des clauses")
    return marche.etat_derive


def _clause_insertion_preparer(*, marche: Marche, part_main_oeuvre=None, taux_insertion=None, cout_horaire=None,
                               heures_forcees=None, reason: str = "") -> ClauseMarche:
    """The contract's (single, whole-contract) insertion clause with these parameters, computed, not saved."""
    clause = marche.clauses.filter(type_clause=TypeClause.INSERTION, lot__isnull=True).first() if marche.pk \
        else None
    if clause is None:
        clause = ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION)
    clause.marche = marche
    clause.part_main_oeuvre = part_main_oeuvre
    clause.taux_insertion = taux_insertion
    clause.cout_horaire = cout_horaire
    clause.heures_forcees = heures_forcees
    if heures_forcees is not None and not clause.motif_derogation:
        clause.motif_derogation = reason or "Heures saisies dans le registre"
    clause_calculer(clause)
    return clause


@transaction.atomic
def clause_insertion_enregistrer(*, marche: Marche, user=None, part_main_oeuvre=None, taux_insertion=None,
                            cout_horaire=None, heures_forcees=None, reason: str = "") -> ClauseMarche:
    """Create or update the contract's (single, whole-contract) insertion clause from register columns."""
    clause = _clause_insertion_preparer(marche=marche, part_main_oeuvre=part_main_oeuvre,
                                        taux_insertion=taux_insertion, cout_horaire=cout_horaire,
                                        heures_forcees=heures_forcees, reason=reason)
    return clause_marche_enregistrer(clause=clause, user=user, reason=reason)


@transaction.atomic
def registre_clause_appliquer(*, marche: Marche, values: dict, user=None) -> ClauseMarche:
    """Write the insertion clause that a register row's clause columns give (clauses.register.parse) on a
    stored contract; the contract's derived state follows."""
    return clause_insertion_enregistrer(marche=marche, user=user, reason="Import du registre",
                                   **clauses_register.insertion_parametres(marche=marche, values=values))


@transaction.atomic
def marche_clauses_actualiser(*, marche: Marche, user=None, reason: str = "Montant du marché modifié") -> int:
    """Derive the contract's state again (its clauses' hours and texts included) and save what changed;
    returns how many clauses changed."""
    marche.etat_derive = marche_etat_actualiser(marche=marche, user=user, reason=reason)
    return len(marche.etat_derive.clauses_modifiees)


# --- EU thresholds -----------------------------------------------------------------------------------

@transaction.atomic
def seuil_enregistrer(*, seuil: SeuilEuropeen, user=None, reason: str = "") -> SeuilEuropeen:
    """Save a threshold and derive again the state of every contract (compliance depends on thresholds; a
    few thousand rows at most change in practice; done in bulk, without a history row per contract)."""
    auteur_noter(seuil, user=user, reason=reason)
    seuil.save()
    marches_etat_recalculer()
    return seuil


# --- DECP import -------------------------------------------------------------------------------------

def _report(result, **counts) -> dict:
    anomalies = [a.as_dict() for a in result.anomalies[:50_000]]
    return {
        "fichier": result.fichier, "refuse": bool(result.erreurs), "nb_lus": result.nb_lus,
        "nb_doublons": result.nb_doublons, "nb_anomalies": len(result.anomalies), "anomalies": anomalies,
        "erreurs": [e.as_dict() for e in result.erreurs], "texte_erreurs": [str(e) for e in result.erreurs],
        "nb_crees": 0, "nb_modifies": 0, "nb_inchanges": 0, **counts,
    }


def _sans_progression(fait: int, total: int, etape: str) -> None:
    return None


ETAPES_DECP = ("Lecture du fichier", "Acheteurs et entreprises", "Contrats", "Titulaires et modifications",
               "Historique et journal")


@sans_ramasse_miettes()
def decp_importer(*, data: bytes, fichier: str, user=None, progression=None) -> dict:
    """Import one DECP file (JSON v1/v2 or XML). A file with an error is refused and writes nothing;
    otherwise every contract is created or updated in one transaction, with bulk operations.
    `progression(fait, total, etape)`, when given, is told each step (ETAPES_DECP) as it starts (the job's
    progress, marches.jobs)."""
    from . import decp
    from .decp_services import MESSAGE_IMPORT_EN_COURS, import_verrou

    progression = progression or _sans_progression
    progression(0, len(ETAPES_DECP), ETAPES_DECP[0])
    result = decp.parse_bytes(data, fichier)
    if result.erreurs:
        return _report(result)
    with transaction.atomic(), import_verrou(data=data) as libre:
        if not libre:  # the same file is being imported right now: nothing written, a clear message
            result.erreurs.append(decp.Probleme(fichier, None, "", MESSAGE_IMPORT_EN_COURS))
            return _report(result)
        counts = _decp_ecrire(result, user=user, raison=f"Import DECP {fichier}"[:100],
                              etape=lambda n: progression(n, len(ETAPES_DECP), ETAPES_DECP[n]))
        report = _report(result, **counts)
        journal_enregistrer(
            format=ImportJournal.Format.DECP, fichier=fichier, user=user, nb_lus=result.nb_lus,
            nb_crees=counts["nb_crees"], nb_modifies=counts["nb_modifies"], nb_inchanges=counts["nb_inchanges"],
            nb_anomalies=len(result.anomalies),
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


def _decp_ecrire(result, *, user=None, raison: str = "Import DECP", etape=lambda n: None) -> dict:
    from types import SimpleNamespace

    from django.utils import timezone

    from .enums import Origine

    records = result.records
    etape(1)
    organisations = {o.siret: o.pk for o in Organisation.objects.filter(
        siret__in={r.acheteur_siret for r in records}).only("id", "siret")}
    noms = {r.acheteur_siret: r.acheteur_nom for r in records}
    for siret in {r.acheteur_siret for r in records} - set(organisations):
        organisation, _ = organisation_obtenir_ou_creer_par_siret(siret=siret, nom=noms.get(siret, ""), user=user)
        organisations[siret] = organisation.pk

    # Companies: existing ones by identifier, the others created in bulk.
    titulaires = {}
    for r in records:
        for t in r.titulaires:
            titulaires.setdefault(t.id, t)
    entreprises = {}
    noms_entreprises = {}
    for chunk in chunks(titulaires, 5000):
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

    # Existing contracts: by (buyer, id, discriminant), else by (buyer, published id); a record that is exactly
    # our own publication of its contract leaves it unchanged (decp.existants_trouver).
    from .decp import existants_trouver

    existants = existants_trouver(records, organisations)

    etape(2)
    famille_pour = famille_id_matcher()
    seuils = seuils_charger()
    creer, inchanges = [], 0
    a_charger = {}
    for r in records:
        existing = existants.get(r.index)
        if existing is None:
            creer.append(r)
        elif existing[1] == r.empreinte:
            inchanges += 1
        else:
            a_charger[existing[0]] = r
    objets_existants = {}
    for chunk in chunks(a_charger):
        objets_existants.update(Marche.objects.in_bulk(chunk))

    def remplir(marche, r):
        """`marche`: a Marche, or a namespace over a row dict (fast path). The file's considerations are what
        was declared (the clauses may imply more): marches.etat.declarees_depuis_fichier."""
        champs = dict(r.champs)
        considerations = {name: champs.pop(name) for name in CONSIDERATIONS if name in champs}
        for name, value in champs.items():
            setattr(marche, name, value)
        declarees_depuis_fichier(marche, considerations)
        marche.montant_initial_ht, marche.duree_initiale_mois = marche.montant_ht, marche.duree_mois
        for m in sorted(r.modifications, key=lambda m: m.numero):
            if m.montant_ht is not None:
                marche.montant_ht = m.montant_ht
            if m.duree_mois is not None:
                marche.duree_mois = m.duree_mois
        if marche.famille_id is None:
            marche.famille_id = famille_pour(marche.code_cpv)
        marche.decp_empreinte = r.empreinte
        marche.updated_at = now
        return marche

    def societes(r):
        return [(noms_entreprises.get(t.id) or t.nom, t.id) for t in r.titulaires]

    defaults = _defaults(Marche)
    nouveaux = []
    for r in creer:
        row = SimpleNamespace(**defaults)
        row.acheteur_id, row.identifiant, row.discriminant = organisations[r.acheteur_siret], r.identifiant, \
            r.discriminant
        row.origine, row.created_at = Origine.DECP, now
        nouveaux.append(remplir(row, r))
    modifies = [(remplir(objets_existants[pk], r), r) for pk, r in a_charger.items()]
    # Derived state of every contract written, in one pass (marches.etat): new ones have no clause yet; the
    # modified ones' clauses follow their new amount (their changed hours and texts are saved with history).
    marches_etat_deriver(marches=nouveaux + [m for m, _ in modifies], seuils=seuils,
                         entreprises=[societes(r) for r in creer] + [societes(r) for _, r in modifies],
                         user=user, reason=raison)
    ids = _insert_rows(Marche, [vars(row) for row in nouveaux])
    if modifies:
        champs_fichier = set().union(*(r.champs for _, r in modifies)) - set(CONSIDERATIONS)
        fields = sorted(champs_fichier | set(DECLAREES.values()) | set(CHAMPS_DERIVES) | {
            "montant_initial_ht", "duree_initiale_mois", "famille", "decp_empreinte", "updated_at"})
        Marche.objects.bulk_update([m for m, _ in modifies], fields, batch_size=500)
        for chunk in chunks([m.pk for m, _ in modifies]):
            Attribution.objects.filter(marche_id__in=chunk).delete()
            Modification.objects.filter(marche_id__in=chunk).delete()
    etape(3)
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
    etape(4)
    auteur = user if getattr(user, "is_authenticated", False) else None
    historique_copier(model=Marche, pks=ids, update=False, user=auteur, raison=raison)
    historique_copier(model=Marche, pks=[m.pk for m, _ in modifies], update=True, user=auteur, raison=raison)
    return {"nb_crees": len(creer), "nb_modifies": len(modifies), "nb_inchanges": inchanges,
            "nb_entreprises_creees": len(nouvelles)}


# --- Register (spreadsheet) import ---------------------------------------------------------------------

def registre_importer(*, data: bytes, fichier: str, user=None, progression=None) -> dict:
    """Import a register spreadsheet. Any bad row refuses the whole file (nothing written) with
    file, row, column and reason for every error. `progression(fait, total, etape)`, when given, is told the
    rows written so far (about every 2 %: the job's progress, marches.jobs)."""

    from . import register
    from .decp import _key
    from .decp_services import MESSAGE_IMPORT_EN_COURS, import_verrou

    progression = progression or _sans_progression
    progression(0, 1, "Lecture du fichier")
    lecture = register.parse(data, fichier)
    familles = register.valider_references(lecture) if not lecture.erreurs else {}
    report = {"fichier": fichier, "refuse": bool(lecture.erreurs), "erreurs": [e.as_dict() for e in lecture.erreurs],
              "texte_erreurs": lecture.texte_erreurs, "nb_lus": len(lecture.lignes), "nb_crees": 0,
              "nb_modifies": 0, "nb_inchanges": 0, "nb_anomalies": len(lecture.anomalies),
              "anomalies": [a.as_dict() for a in lecture.anomalies], "nb_doublons": 0}
    if lecture.erreurs:
        return report
    famille_pour = famille_id_matcher()
    with transaction.atomic(), import_verrou(data=data) as libre:
        if not libre:  # the same file is being imported right now: nothing written, a clear message
            occupe = Probleme(fichier, None, "", MESSAGE_IMPORT_EN_COURS)
            return report | {"refuse": True, "texte_erreurs": [str(occupe)], "erreurs": [occupe.as_dict()]}
        total, pas = len(lecture.lignes), max(1, len(lecture.lignes) // 50)
        for n, ligne in enumerate(lecture.lignes):
            if n % pas == 0:
                progression(n, total, "Enregistrement des lignes")
            organisation, _ = organisation_obtenir_ou_creer_par_siret(siret=ligne.acheteur_siret, user=user)
            marche = register.marche_trouver(ligne)
            creation = marche is None
            if creation:
                marche = register.marche_nouveau(organisation=organisation, ligne=ligne)
            champs = register.champs_a_ecrire(marche=marche, ligne=ligne, creation=creation)
            if ligne.famille_nom:
                champs["famille_id"] = familles[_key(ligne.famille_nom)].pk
            elif creation or marche.famille_id is None:
                champs["famille_id"] = famille_pour(champs["code_cpv"])
            has_modifications = not creation and marche.modifications.exists()
            if has_modifications:  # the register shows the amount in force; amendments keep it
                champs.pop("montant_ht")
                champs.pop("duree_mois")
            considerations = {name: champs.pop(name) for name in CONSIDERATIONS if name in champs}
            declarees_avant = [getattr(marche, name) for name in DECLAREES.values()]
            changed = creation or any(getattr(marche, k) != v for k, v in champs.items())
            for name, value in champs.items():
                setattr(marche, name, value)
            declarees_depuis_fichier(marche, considerations)  # the row's considerations are the declared ones
            changed = changed or declarees_avant != [getattr(marche, name) for name in DECLAREES.values()]
            changed = _registre_ligne_ecrire(marche=marche, ligne=ligne, creation=creation, changed=changed,
                                             user=user)
            key = "nb_crees" if creation else ("nb_modifies" if changed else "nb_inchanges")
            report[key] += 1
        journal_enregistrer(
            format=ImportJournal.Format.REGISTRE, fichier=fichier, user=user, nb_lus=report["nb_lus"],
            nb_crees=report["nb_crees"], nb_modifies=report["nb_modifies"], nb_inchanges=report["nb_inchanges"],
            nb_anomalies=report["nb_anomalies"],
        )
    return report


def _registre_ligne_ecrire(*, marche: Marche, ligne, creation: bool, changed: bool, user=None) -> bool:
    """Write one register row: the contract, its awardees, its insertion clause; its derived state is computed
    once (marches.etat) and the contract saved once. Returns whether anything changed."""
    from .enums import RoleEntreprise

    reason = "Import du registre"
    entreprises = {siret: entreprise_obtenir_ou_creer(siret=siret, user=user)[0] for siret in ligne.titulaires}
    insertion = clauses_register.insertion_parametres(marche=marche, values=ligne.clauses) if ligne.clauses \
        else None
    if creation:
        # New contract: its clause is computed in memory with it, then saved after it (one history row each).
        clause = _clause_insertion_preparer(marche=marche, reason=reason, **insertion) if insertion else None
        _marche_ecrire(marche=marche, user=user, reason=reason, clauses=[clause] if clause else [],
                       entreprises=[(e.nom, e.siret) for e in entreprises.values()])
        for entreprise in entreprises.values():
            _attribution_ecrire(Attribution(marche=marche, entreprise=entreprise, role=RoleEntreprise.TITULAIRE),
                                user=user, reason=reason)
        if clause is not None:
            clause.marche = marche
            auteur_noter(clause, user=user, reason=reason)
            clause.save()
        return True
    titulaires = marche.attributions.filter(role=RoleEntreprise.TITULAIRE, lot__isnull=True)
    if set(titulaires.values_list("entreprise__siret", flat=True)) != set(ligne.titulaires):
        changed = True
        presents = set()
        for attribution in titulaires.select_related("entreprise"):
            if attribution.entreprise.siret in entreprises:
                presents.add(attribution.entreprise.siret)
            else:
                _attribution_supprimer(attribution, user=user)
        for siret, entreprise in entreprises.items():
            if siret not in presents:
                _attribution_ecrire(Attribution(marche=marche, entreprise=entreprise,
                                                role=RoleEntreprise.TITULAIRE), user=user, reason=reason)
    if insertion:
        clause = _clause_insertion_preparer(marche=marche, reason=reason, **insertion)
        stockee = ClauseMarche.objects.filter(pk=clause.pk).values(*_CHAMPS_INSERTION).first() if clause.pk \
            else None
        if stockee is None or any(stockee[name] != getattr(clause, name) for name in _CHAMPS_INSERTION):
            changed = True
            auteur_noter(clause, user=user, reason=reason)
            clause.save()
    if changed:
        _marche_ecrire(marche=marche, user=user, reason=reason)
    return changed


_CHAMPS_INSERTION = ("part_main_oeuvre", "taux_insertion", "cout_horaire", "heures_forcees", "motif_derogation",
                     "heures_requises", "texte")
