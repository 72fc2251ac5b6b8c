"""Demo data and accounts (password `demo`), in one place: `seed()` loads them through the apps' services.

No application depends on this package; it depends on all of them. One module per domain, run in this
order (later steps use what earlier ones made):

- organisations: the Département des Landes, its directions, its three partners (a social landlord, an
  agglomeration, a town), the six demo accounts (core.services);
- clauses.seed_referentiel: purchase families, the clause library, self-diagnoses;
- marches: contracts 2019–2026 (about 50 a year for the Département, 13 for the partners from 2022) with about
  190 companies, awardees, amendments (and the clauses of contracts launched after 21 August 2026);
- clauses.seed_clauses: clauses on a believable share of the other contracts (insertion on works, cleaning,
  green spaces and maintenance);
- insertion: the facilitators' conventions, participants, placements, monthly hours from 2020, outcomes;
- bilans: nothing to prepare (the indicators are computed on demand);
- spaser: the SPASER, its targets and actions, the forecast of purchases.

At the customer's own scale: the Département's bilan of 2025 counts, over the six years 2020–2025, more than
85,000 insertion hours, 130 companies (85 % in the Landes) and 460 people, and more than 24 contracts with the
clause notified in 2025 (tests/demo/test_echelle.py). The one bulk write is the monthly hours
(demo.insertion: thousands of rows, with their history rows); `seed_demo` moves the data version of the
figures' cache once (core.donnees.donnees_modifiees_une_fois). About 30 s of CPU.

Idempotent: running it again changes nothing."""


def seed(stdout=None):
    """Every step, in order; `stdout` (a management command's) receives one line per step."""
    from . import bilans, clauses, insertion, marches, organisations, spaser

    for step in (organisations.seed, clauses.seed_referentiel, marches.seed, clauses.seed_clauses,
                 insertion.seed, bilans.seed, spaser.seed):
        step(stdout=stdout)
        if stdout:
            stdout.write("")
