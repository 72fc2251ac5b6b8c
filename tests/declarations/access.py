"""Role answers of the declarations' URLs. A company's contact reaches only its own company's contracts,
declarations, proofs and attestations (404 on another's: ids are not an oracle); facilitators and administrators
reach all; every other role 403. The objects hang off the facilitateurs' contracts (partner A, partner B, the
instance): tests/facilitateurs/access.py builds them first."""

from tests.access import Owned, Rule, only, public

FA = ("facilitateur", "admin")


def build(world):
    import datetime

    from facilitateurs.models import MiseEnEmploi
    from tests.declarations.factories import (
        ContactEntrepriseFactory,
        DeclarationFactory,
        LigneDeclarationFactory,
        justificatif_creer,
    )
    from tests.marches.factories import AttributionFactory, EntrepriseFactory

    world.d_entreprise = EntrepriseFactory(nom="Entreprise déclarante")
    world.d_entreprise_b = EntrepriseFactory(nom="Autre entreprise")
    world.d_contact = ContactEntrepriseFactory(user=world.users["entreprise"], entreprise=world.d_entreprise)
    world.d_contact_b = ContactEntrepriseFactory(entreprise=world.d_entreprise_b)
    for marche, entreprise in ((world.f_marche, world.d_entreprise), (world.f_marche_instance, world.d_entreprise),
                               (world.f_marche_autre, world.d_entreprise_b)):
        AttributionFactory(marche=marche, entreprise=entreprise)
    MiseEnEmploi.objects.create(participant=world.f_participant, entreprise=world.d_entreprise,
                                marche=world.f_marche, modalite="EMBAUCHE_DIRECTE", type_contrat="CDD",
                                date_debut=datetime.date(2025, 7, 1))

    def declaration(marche, entreprise, contact, mois=datetime.date(2025, 9, 1)):
        d = DeclarationFactory(marche=marche, entreprise=entreprise, declaree_par=contact.user, mois=mois)
        LigneDeclarationFactory(declaration=d, participant=None, personne_proposee="Personne proposée")
        d.justificatif = justificatif_creer(d)
        return d

    world.d_declaration = declaration(world.f_marche, world.d_entreprise, world.d_contact)
    world.d_declaration_instance = declaration(world.f_marche_instance, world.d_entreprise, world.d_contact)
    world.d_declaration_autre = declaration(world.f_marche_autre, world.d_entreprise_b, world.d_contact_b)
    # Sent back and validated twice by the matrix's roles in turn: its own object.
    world.d_declaration_traitee = declaration(world.f_marche, world.d_entreprise, world.d_contact,
                                              mois=datetime.date(2025, 10, 1))


def _pk(get):
    return lambda w: {"pk": get(w).pk}


ACCESS = {
    "declarations:marches": Rule(only(200, "entreprise")),
    "declarations:marche": Rule(only(200, "entreprise"), kwargs=_pk(lambda w: w.f_marche)),
    "declarations:declarer": Rule(only(200, "entreprise"), kwargs=_pk(lambda w: w.f_marche), query="?mois=2025-11"),
    "declarations:attestation": Rule(
        only(200, *FA, "entreprise"),
        kwargs=lambda w: {"marche_pk": w.f_marche.pk, "entreprise_pk": w.d_entreprise.pk}),
    "declarations:a_valider": Rule(only(200, *FA)),
    "declarations:detail": Rule(only(200, *FA, "entreprise"), kwargs=_pk(lambda w: w.d_declaration)),
    # The second role finds it already sent back: a message, the same redirection.
    "declarations:renvoyer": Rule(only(302, *FA), kwargs=_pk(lambda w: w.d_declaration_traitee), method="post",
                                  data=lambda w: {"motif": "Bulletin de paie illisible"}),
    "declarations:valider": Rule(only(302, *FA), kwargs=_pk(lambda w: w.d_declaration_traitee), method="post"),
    "declarations:justificatif": Rule(only(200, *FA, "entreprise"),
                                      kwargs=_pk(lambda w: w.d_declaration.justificatif)),
    "declarations:entreprise_contacts": Rule(only(200, *FA), kwargs=_pk(lambda w: w.d_entreprise)),
    "declarations:contact_desactiver": Rule(only(302, *FA), kwargs=_pk(lambda w: w.d_contact_b), method="post"),
    # A link that is not (or no longer) valid says so, to anybody.
    "declarations:invitation": Rule(public(200), kwargs=lambda w: {"uidb64": "MTIz", "token": "inconnu-0"}),
}

# The matrix's ownership attempts come from partner users, refused by role on every page here; a company contact
# on another company's objects is tried in tests/declarations/test_propriete.py.
DECLARATION = Owned(partenaire=_pk(lambda w: w.d_declaration), autre_partenaire=_pk(lambda w: w.d_declaration_autre),
                    instance=_pk(lambda w: w.d_declaration_instance))
OWNERSHIP = {
    "declarations:marche": Owned(partenaire=_pk(lambda w: w.f_marche), autre_partenaire=_pk(lambda w: w.f_marche_autre),
                                 instance=_pk(lambda w: w.f_marche_instance)),
    "declarations:declarer": Owned(partenaire=_pk(lambda w: w.f_marche),
                                   autre_partenaire=_pk(lambda w: w.f_marche_autre),
                                   instance=_pk(lambda w: w.f_marche_instance)),
    "declarations:attestation": Owned(
        partenaire=lambda w: {"marche_pk": w.f_marche.pk, "entreprise_pk": w.d_entreprise.pk},
        autre_partenaire=lambda w: {"marche_pk": w.f_marche_autre.pk, "entreprise_pk": w.d_entreprise_b.pk},
        instance=lambda w: {"marche_pk": w.f_marche_instance.pk, "entreprise_pk": w.d_entreprise.pk}),
    "declarations:detail": DECLARATION,
    "declarations:renvoyer": DECLARATION,
    "declarations:valider": DECLARATION,
    "declarations:justificatif": Owned(
        partenaire=_pk(lambda w: w.d_declaration.justificatif),
        autre_partenaire=_pk(lambda w: w.d_declaration_autre.justificatif),
        instance=_pk(lambda w: w.d_declaration_instance.justificatif)),
    "declarations:entreprise_contacts": Owned(partenaire=_pk(lambda w: w.d_entreprise),
                                              autre_partenaire=_pk(lambda w: w.d_entreprise_b)),
    "declarations:contact_desactiver": Owned(partenaire=_pk(lambda w: w.d_contact),
                                             autre_partenaire=_pk(lambda w: w.d_contact_b)),
}

