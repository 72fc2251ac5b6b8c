from tests.access import Rule, expected

ACCESS = {
    # Each user's own preferences (no id): every role that receives e-mails, a company's contact included; a
    # partner user receives none.
    "relances:preferences": Rule(expected(200, entreprise=200, partenaire=403)),
}
