"""The figures the pages show: computed by a job, stored, served as they are (issue 17: no request computes an
aggregate over the hours table).

`indicateurs_servis(**perimetre)` is what every request reads (dashboard, its export, the SPASER evaluation and
index, the élu home): one read of the stored figures of the scope (bilans.models.FiguresCalculees).
- figures computed from the current data version (core/donnees.py) and younger than
  settings.INDICATEURS_CACHE_SECONDES: served, current;
- older figures of that scope: served with their date ("Chiffres du … — mise à jour en cours"), and ONE job
  `indicateurs` queued to recompute them (no second while one is waiting or running);
- none yet: no figures (the page says they are being computed and shows the job's state), and the job queued.
The job (`figures_calculer`) computes with `indicateurs_annuels` and stores the result under the data version read
BEFORE computing: a figure computed from data that changed meanwhile is not marked current. Its own writes (the
job's state, the stored figures) do not move the data version (core.donnees.MODELES_HORS_DONNEES,
TACHES_LECTURE_SEULE).

Warming: the figures of a scope are recomputed when a page asks for them after a change (no beat schedule, no
hook after the writes): the first visit after a change still shows the previous figures at once, with their date.
The annual bilan's job and `generer_bilan` compute directly (bilans.selectors.indicateurs_annuels): they are jobs
and commands, not requests."""

import datetime
import hashlib
import inspect
import json
import logging
import pickle  # noqa: S403 — the figures are pickled by our own job into our own database
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import donnees
from core.jobs import job_enqueue
from core.models import Tache

from . import selectors
from .calcul import memoire_de_calcul
from .models import FiguresCalculees
from .resultats import Indicateurs
from .selectors import RESULTATS_VERSION

logger = logging.getLogger(__name__)
JOB_TYPE = "indicateurs"
# The engine's parameters and their defaults, read from its signature (one owner: a new parameter is in the key).
PARAMETRES_MOTEUR = inspect.signature(selectors.indicateurs_annuels)
EN_FILE = (Tache.Etat.EN_ATTENTE, Tache.Etat.EN_COURS)


@dataclass(frozen=True)
class EtatFigures:
    """What a page says of the figures it shows: current, or of which date, and the job recomputing them."""

    a_jour: bool
    calcule_le: datetime.datetime | None = None  # date of the figures served (None: none served)
    tache: Tache | None = None  # the job queued or running to recompute them
    figures_id: int | None = None  # the stored row (the page polls its state)

    @property
    def en_calcul(self) -> bool:
        return self.tache is not None and self.tache.etat in EN_FILE

    @property
    def echec(self) -> bool:
        return self.tache is not None and self.tache.etat == Tache.Etat.ECHEC

    @property
    def disponibles(self) -> bool:
        return self.calcule_le is not None


def perimetre_normaliser(**parametres) -> dict:
    """The scope as JSON values (objects by primary key), every parameter of indicateurs_annuels given (a TypeError,
    as the engine's call would raise, for an unknown or missing one)."""
    arguments = PARAMETRES_MOTEUR.bind(**parametres)
    arguments.apply_defaults()
    result = {k: getattr(v, "pk", v) for k, v in arguments.arguments.items()}
    result["annee"] = int(result["annee"])
    result["depuis"] = int(result["depuis"]) if result["depuis"] not in (None, "") else None
    for cle in ("acheteur", "direction", "famille", "convention"):
        result[cle] = int(result[cle]) if result[cle] not in (None, "") else None
    result["details"] = bool(result["details"])
    result["limite"] = int(result["limite"])
    return dict(sorted(result.items()))


def cle_perimetre(parametres: dict) -> str:
    """The key of a scope's stored figures: the scope and the shape of the results (RESULTATS_VERSION), not the
    data version (stored beside, so that older figures can still be served)."""
    texte = json.dumps([RESULTATS_VERSION, parametres], sort_keys=True)
    return hashlib.sha1(texte.encode(), usedforsecurity=False).hexdigest()


def _charger(ligne: FiguresCalculees | None) -> Indicateurs | None:
    if ligne is None or not ligne.donnees:
        return None
    try:
        data = pickle.loads(bytes(ligne.donnees))  # noqa: S301 — written by figures_calculer only
    except Exception:  # a result of an older shape of the code: recomputed
        logger.warning("Chiffres stockés illisibles (%s) : recalculés", ligne.cle)
        return None
    return data if isinstance(data, Indicateurs) else None


def _a_jour(ligne: FiguresCalculees, version: int) -> bool:
    limite = datetime.timedelta(seconds=settings.INDICATEURS_CACHE_SECONDES)
    return ligne.version == version and ligne.calcule_le is not None and timezone.now() - ligne.calcule_le < limite


def _en_file(tache: Tache | None) -> bool:
    """A recompute job waiting or running (not one lost long ago: past TACHE_DUREE_MAX_SECONDES, queued again)."""
    if tache is None or tache.etat not in EN_FILE:
        return False
    limite = datetime.timedelta(seconds=int(getattr(settings, "TACHE_DUREE_MAX_SECONDES", 3600)))
    return timezone.now() - tache.created_at < limite


def indicateurs_servis(*, recalculer: bool = True, **parametres) -> tuple[Indicateurs | None, EtatFigures]:
    """The figures of a scope for a page, never computed here: (figures or None, their state). See the module.
    `recalculer=False`: what is stored only, nothing queued."""
    parametres = perimetre_normaliser(**parametres)
    cle = cle_perimetre(parametres)
    version = donnees.donnees_version()
    ligne = FiguresCalculees.objects.select_related("tache").filter(cle=cle).first()
    data = _charger(ligne)
    if data is not None and _a_jour(ligne, version):
        return data, EtatFigures(a_jour=True, calcule_le=ligne.calcule_le, figures_id=ligne.pk)
    calcule_le = ligne.calcule_le if data is not None else None
    if not recalculer:
        return data, EtatFigures(a_jour=False, calcule_le=calcule_le, tache=ligne.tache if ligne else None,
                                 figures_id=ligne.pk if ligne else None)
    ligne = recalcul_demander(cle=cle, parametres=parametres)
    return data, EtatFigures(a_jour=False, calcule_le=calcule_le, tache=ligne.tache, figures_id=ligne.pk)


@transaction.atomic
def recalcul_demander(*, cle: str, parametres: dict) -> FiguresCalculees:
    """Queue the job that recomputes a scope's figures, unless one is waiting or running for it (the row is locked
    meanwhile: two requests at once queue one job)."""
    FiguresCalculees.objects.get_or_create(cle=cle, defaults={"parametres": parametres})
    ligne = FiguresCalculees.objects.select_for_update().get(cle=cle)
    tache = Tache.objects.filter(pk=ligne.tache_id).first() if ligne.tache_id else None
    if _en_file(tache):
        ligne.tache = tache
        return ligne
    ligne.tache = job_enqueue(type=JOB_TYPE, parametres={"cle": cle, "perimetre": parametres})
    ligne.save(update_fields=["tache"])
    return ligne


def figures_calculer(*, parametres: dict) -> FiguresCalculees:
    """The job's work: compute the scope's figures and store them under the data version read before computing
    (nothing computed when the stored ones are already current)."""
    parametres = perimetre_normaliser(**parametres)
    cle = cle_perimetre(parametres)
    version = donnees.donnees_version()  # before computing: a change during the computation leaves them stale
    ligne = FiguresCalculees.objects.filter(cle=cle).first()
    if ligne is not None and _a_jour(ligne, version) and _charger(ligne) is not None:
        return ligne
    with transaction.atomic():
        memoire_de_calcul()
        data = selectors.indicateurs_annuels(**parametres)
    ligne, _ = FiguresCalculees.objects.update_or_create(cle=cle, defaults={
        "parametres": parametres, "version": version, "donnees": pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL),
        "calcule_le": timezone.now()})
    return ligne
