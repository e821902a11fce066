from django.apps import AppConfig


class ClausesConfig(AppConfig):
    name = "clauses"
    verbose_name = "Marchés clausés"

    def ready(self):
        # Its sections of the structure page and of the home page (iae_portal.sections).
        from . import sections

        sections.register()
