from django.apps import AppConfig


class ExamensConfig(AppConfig):
    name = "examens"
    verbose_name = "Examen des marchés avant lancement"
