from django.apps import AppConfig


class ClausesConfig(AppConfig):
    name = "clauses"
    verbose_name = "Marchés clausés"
