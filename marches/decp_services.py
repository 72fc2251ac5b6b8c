"""Writes of the DECP and register round trips that are not a contract's own data: the published id assigned
once to each contract, and the lock that keeps two imports of one file from running at once.

    decp_ids_attribuer(queryset=, user=)   assign the missing published ids, in bulk, with their history
    import_verrou(data=)                   context manager: True when this import may run, False when the same
                                           file is being imported by someone else right now
"""

import contextlib
import hashlib
import threading

from django.db import connection, transaction
from django.db.models import Case, CharField, Value, When

from core.services import historique_copier
from core.utils import chunks

MESSAGE_IMPORT_EN_COURS = ("Un import de ce fichier est déjà en cours (lancé par une autre personne ou un autre "
                           "onglet) : rien n'a été enregistré cette fois. Attendez qu'il se termine puis consultez "
                           "le journal des imports ; réimporter le même fichier ne changera alors rien.")


@transaction.atomic
def decp_ids_attribuer(*, queryset=None, user=None, batch_size: int = 300) -> int:
    """Give every contract of `queryset` that has no published DECP id its id (see decp.decp_ids_calculer),
    stored once and recorded in each contract's history. One UPDATE and one history INSERT … SELECT per 300
    contracts (SQLite takes 999 parameters a query); nothing when all have one (the usual case: one SELECT)."""
    from .decp import decp_ids_calculer
    from .models import Marche

    queryset = queryset if queryset is not None else Marche.objects.all()
    manquants = list(queryset.prefetch_related(None).order_by().filter(decp_id="")
                     .values_list("pk", "acheteur_id", "identifiant", "discriminant"))
    if not manquants:
        return 0
    acheteurs = {acheteur_id for _, acheteur_id, _, _ in manquants}
    pris, nb_par_identifiant = {}, {}
    for acheteur_id, identifiant, decp_id in Marche.objects.filter(acheteur_id__in=acheteurs).order_by() \
            .values_list("acheteur_id", "identifiant", "decp_id"):
        if decp_id:
            pris.setdefault(acheteur_id, set()).add(decp_id)
        nb_par_identifiant[(acheteur_id, identifiant)] = nb_par_identifiant.get((acheteur_id, identifiant), 0) + 1
    ids = decp_ids_calculer(manquants, pris, nb_par_identifiant)
    pks = sorted(ids)
    for chunk in chunks(pks, batch_size):
        Marche.objects.filter(pk__in=chunk).update(decp_id=Case(*(When(pk=pk, then=Value(ids[pk])) for pk in chunk),
                                                               output_field=CharField()))
        historique_copier(model=Marche, pks=chunk, update=True, user=user,
                            raison="Identifiant publié (DECP) attribué")
    return len(ids)


_verrous_locaux: dict = {}
_verrous_locaux_garde = threading.Lock()


@contextlib.contextmanager
def import_verrou(*, data: bytes):
    """Inside a transaction: True when no one else is importing these same bytes, False otherwise.

    PostgreSQL: a transaction-level advisory lock on the file's SHA-256 (pg_try_advisory_xact_lock, released
    at commit or rollback, by any process or server). Elsewhere (SQLite, development): a lock of this process."""
    digest = hashlib.sha256(data).digest()
    if connection.vendor == "postgresql":
        cle = int.from_bytes(digest[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [0x5DEC, cle & 0x7FFFFFFF])
            yield bool(cursor.fetchone()[0])
        return
    with _verrous_locaux_garde:
        verrou = _verrous_locaux.setdefault(digest, threading.Lock())
    acquis = verrou.acquire(blocking=False)
    try:
        yield acquis
    finally:
        if acquis:
            verrou.release()
