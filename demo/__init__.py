"""Demo data and accounts (password `demo`), in one place: `seed()` loads them through the apps' services.

No application depends on this package; it depends on all of them. One module per domain, run in this
order (later steps use what earlier ones made):

- organisations: the Département des Landes, its directions, its three partners, the six demo accounts;
- clauses.seed_referentiel: purchase families, the clause library, self-diagnoses;
- marches: contracts 2022–2026 with companies, awardees, amendments (and the clauses of contracts launched
  after 21 August 2026);
- clauses.seed_clauses: clauses on a believable share of the other contracts;
- insertion: the facilitators' conventions, participants, placements, monthly hours, outcomes;
- bilans: nothing to prepare (the indicators are computed on demand);
- spaser: the SPASER, its targets and actions, the forecast of purchases.

Idempotent: running it again changes nothing."""


def seed(stdout=None):
    """Every step, in order; `stdout` (a management command's) receives one line per step."""
    from . import bilans, clauses, insertion, marches, organisations, spaser

    for step in (organisations.seed, clauses.seed_referentiel, marches.seed, clauses.seed_clauses,
                 insertion.seed, bilans.seed, spaser.seed):
        step(stdout=stdout)
        if stdout:
            stdout.write("")
