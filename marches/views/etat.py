"""Messages on what a write changed in a contract's derived state (shared with the clauses' pages)."""

from django.contrib import messages


def dire_etat(request, etat) -> None:
    """Tell the user what a write changed in the contract's derived state (marches.etat.EtatDerive): its
    compliance status before -> after (naming what is newly missing), and plausibility warnings."""
    if etat is None:
        return
    if etat.conformite is not None:
        niveau = messages.warning if etat.conformite.manquants else messages.info
        niveau(request, etat.conformite.message)
    for alerte in etat.alertes:
        messages.warning(request, alerte)
