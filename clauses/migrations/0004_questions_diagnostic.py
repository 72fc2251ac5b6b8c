"""The self-diagnosis grid: questions per SPASER axis, with the action suggested when a family scores low.
The DCP can edit them afterwards (they are data, not code)."""

from django.db import migrations

QUESTIONS = [
    # axe, code, texte, action, ordre
    ("social", "social-examen", "Chaque marché de la famille est-il examiné pour une clause sociale d'insertion "
     "(direction, DCP et facilitateur) ?",
     "Inscrire l'examen de la clause d'insertion dans la fiche de lancement de chaque consultation de la famille, "
     "avec l'avis du facilitateur.", 1),
    ("social", "social-clause", "Les marchés de la famille portent-ils une condition d'exécution d'insertion "
     "(heures calculées) ?",
     "Utiliser la clause type d'insertion du clausier sur les marchés de plus de 90 000 € HT à forte main-d'œuvre.", 2),
    ("social", "social-critere", "Un critère social (qualité du parcours d'insertion, formation) est-il utilisé ?",
     "Ajouter un critère social pondéré (5 à 15 %) sur les marchés de services à forte main-d'œuvre.", 3),
    ("social", "social-suivi", "Les heures réalisées sont-elles suivies et rapprochées des heures requises ?",
     "Confier au facilitateur le suivi mensuel des heures et prévoir une pénalité d'inexécution dans le CCAP.", 4),
    ("environnemental", "env-besoin", "Le besoin est-il défini avec des exigences environnementales "
     "(spécifications techniques, labels, analyse du cycle de vie) ?",
     "Réécrire les spécifications techniques avec les écolabels pertinents (Écolabel européen, NF Environnement).", 1),
    ("environnemental", "env-condition", "Une condition d'exécution environnementale est-elle imposée "
     "(déchets, emballages, transport, énergie) ?",
     "Reprendre la condition d'exécution environnementale du clausier : obligatoire pour les consultations "
     "lancées depuis le 21 août 2026 (L2112-2).", 2),
    ("environnemental", "env-critere", "Un critère d'attribution environnemental est-il pondéré dans l'analyse "
     "des offres ?",
     "Pondérer un critère environnemental (au moins 10 %) : obligatoire depuis le 21 août 2026 (L2152-7).", 3),
    ("environnemental", "env-suivi", "Les engagements environnementaux du titulaire sont-ils contrôlés en cours "
     "d'exécution ?",
     "Demander un bilan environnemental annuel au titulaire (tonnages de déchets, kilomètres, consommations).", 4),
    ("ess", "ess-sourcing", "Les structures de l'ESS, SIAE, EA et ESAT du territoire sont-elles identifiées "
     "(sourcing) pour cette famille ?",
     "Organiser une rencontre fournisseurs (Matinale) avec les SIAE, EA-ESAT et entreprises de l'ESS de la famille.", 1),
    ("ess", "ess-allotissement", "L'allotissement permet-il aux petites structures de l'ESS de candidater ?",
     "Découper en lots de taille accessible et autoriser les groupements.", 2),
    ("ess", "ess-reserve", "Des marchés ou des lots sont-ils réservés (EA-ESAT, SIAE, ESS) quand c'est possible ?",
     "Réserver au moins un lot de la famille (L2113-12, L2113-13 ou L2113-15).", 3),
    ("ess", "ess-achats", "Le volume d'achats auprès de structures de l'ESS est-il mesuré et suivi ?",
     "Suivre dans le bilan annuel la part des achats de la famille auprès des SIAE, EA-ESAT et ESUS.", 4),
]


def create_questions(apps, schema_editor):
    Question = apps.get_model("clauses", "DiagnosticQuestion")
    for axe, code, texte, action, ordre in QUESTIONS:
        Question.objects.get_or_create(code=code, defaults={"axe": axe, "texte": texte, "action": action,
                                                            "ordre": ordre})


class Migration(migrations.Migration):
    dependencies = [("clauses", "0003_diagnostic_et_parametres")]

    operations = [migrations.RunPython(create_questions, migrations.RunPython.noop)]
