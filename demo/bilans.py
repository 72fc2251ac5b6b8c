"""Demo data of the bilans: nothing to add. The indicators are computed from the other apps' demo
contracts, clauses and hours; bilans (PDF) are generated on demand by users, never at seed time."""


def seed(stdout=None):
    if stdout:
        stdout.write("Bilans : rien à préparer (les indicateurs se calculent à la demande).")
