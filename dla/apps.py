from django.apps import AppConfig


class DlaConfig(AppConfig):
    name = "dla"
    verbose_name = "Dispositif local d'accompagnement"

    def ready(self):
        from iae_portal import access, uploads

        from . import cdiae, demo, menu, perms, prepared, sections, services
        from .api import client_kinds, routes
        from .models import Accompaniment, Deliverable

        # Who sees which accompaniments (its perms.py), also behind
        # Accompaniment.objects.visible_to.
        access.register_visibility(Accompaniment, perms.visible_accompaniments)
        # Its sections of the structure page and of the home page (iae_portal.sections).
        sections.register()
        # Its entries of the main menu (iae_portal.menu).
        menu.register()
        # The API clients tied to a DLA (iae_portal.api.scope_kinds).
        client_kinds.register()
        # Its resources of /api/v1/ (iae_portal.api.routes).
        routes.register()
        # Its step of seed_demo (iae_portal.demo).
        demo.register()
        # Its files prepared in the background: the bilan's PDF (iae_portal.prepared).
        prepared.register()
        # Its table of the CDIAE report: the DLA bilan (iae_portal.cdiae).
        cdiae.register()
        # Who hears of a deliverable the antivirus found infected after its upload.
        uploads.document_infected.connect(
            services.deliverable_found_infected,
            sender=Deliverable,
            dispatch_uid="dla-deliverable-infected",
        )
