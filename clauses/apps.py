from django.apps import AppConfig


class ClausesConfig(AppConfig):
    name = "clauses"
    verbose_name = "Marchés clausés"

    def ready(self):
        # Its sections of the structure page and of the home page (iae_portal.sections).
        from . import cdiae, demo, menu, sections
        from .api import client_kinds, routes

        sections.register()
        # Its entries of the main menu (iae_portal.menu).
        menu.register()
        # The API clients of a facilitator (iae_portal.api.scope_kinds).
        client_kinds.register()
        # Its resources of /api/v1/ (iae_portal.api.routes).
        routes.register()
        # Its step of seed_demo (iae_portal.demo).
        demo.register()
        # Its table of the CDIAE report: the clauses bilan (iae_portal.cdiae).
        cdiae.register()
