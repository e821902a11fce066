from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "structures"
    verbose_name = "Structures"

    def ready(self):
        from . import cdiae, demo, menu, prepared, sections, signals
        from .api import client_kinds, routes

        signals.connect()
        sections.register()
        # Its entries of the main menu (iae_portal.menu).
        menu.register()
        # The API clients tied to a département or a structure (iae_portal.api.scope_kinds).
        client_kinds.register()
        # Its resources of /api/v1/ (iae_portal.api.routes).
        routes.register()
        # Its step of seed_demo (iae_portal.demo).
        demo.register()
        # Its exports prepared in the background (iae_portal.prepared).
        prepared.register()
        # The CDIAE report's territory and its table of structures (iae_portal.cdiae).
        cdiae.register()
