from tests.access import Rule, expected

ACCESS = {
    # Each user's own preferences (no id): every logged-in role, a company's contact included.
    "relances:preferences": Rule(expected(200, entreprise=200)),
}
