"""Contracts with clauses whose effective considerations go beyond what their clauses imply (a register or a form
declared them next to the clauses): those are declared ones. Without this, the first derivation by marches.etat
would drop them. Effective considerations are unchanged by this migration."""

from django.db import migrations

INSERTION, CRITERE_SOCIAL = "insertion", "critere_social"
RESERVES = {"reserve_ea_esat": "EA_ESAT", "reserve_siae": "SIAE", "reserve_ess": "ESS"}
CONDITION_ENV, CRITERE_ENV = "condition_env", "critere_env"
DRAPEAUX = (
    ("clause_sociale", "clause_sociale_declaree", {INSERTION}),
    ("critere_social", "critere_social_declare", {CRITERE_SOCIAL}),
    ("marche_reserve", "marche_reserve_declare", set(RESERVES)),
    ("clause_environnementale", "clause_environnementale_declaree", {CONDITION_ENV}),
    ("critere_environnemental", "critere_environnemental_declare", {CRITERE_ENV}),
)


def declarees_hors_clauses(apps, schema_editor):
    Marche = apps.get_model("marches", "Marche")
    ClauseMarche = apps.get_model("clauses", "ClauseMarche")
    types = {}
    for marche_id, type_clause in ClauseMarche.objects.values_list("marche_id", "type_clause").distinct():
        types.setdefault(marche_id, set()).add(type_clause)
    ids = list(types)
    for start in range(0, len(ids), 2000):
        changes = []
        for marche in Marche.objects.filter(pk__in=ids[start:start + 2000]):
            presents, changed = types[marche.pk], False
            for effectif, declare, kinds in DRAPEAUX:
                if getattr(marche, effectif) and not (kinds & presents) and not getattr(marche, declare):
                    setattr(marche, declare, True)
                    changed = True
            if marche.marche_reserve_declare and marche.type_reservation and not marche.type_reservation_declare \
                    and not (set(RESERVES) & presents):
                marche.type_reservation_declare = marche.type_reservation
                changed = True
            if changed:
                changes.append(marche)
        Marche.objects.bulk_update(changes, [d for _, d, _ in DRAPEAUX] + ["type_reservation_declare"])


class Migration(migrations.Migration):

    dependencies = [
        ("marches", "0009_considerations_declarees_decp_id"),
        ("clauses", "0005_heures_requises_larges"),
    ]

    operations = [migrations.RunPython(declarees_hors_clauses, migrations.RunPython.noop)]
