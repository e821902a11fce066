from django.apps import AppConfig


class AidesConfig(AppConfig):
    name = "aides"
    verbose_name = "Aides régionales"

    def ready(self):
        from iae_portal import access, uploads

        from . import cdiae, demo, menu, perms, prepared, sections, services
        from .api import routes
        from .models import Dossier, DossierDocument, PartnerOpinionAttachment
        from .services import opinions

        # Who sees which dossiers (its perms.py), also behind Dossier.objects.visible_to.
        access.register_visibility(Dossier, perms.visible_dossiers)
        # Its sections of the structure page and of the home page (iae_portal.sections).
        sections.register()
        # Its entries of the main menu (iae_portal.menu).
        menu.register()
        # Its step of seed_demo (iae_portal.demo).
        demo.register()
        # Its resources of /api/v1/ (iae_portal.api.routes).
        routes.register()
        # Its files prepared in the background (iae_portal.prepared).
        prepared.register()
        # Its tables of the CDIAE report (iae_portal.cdiae).
        cdiae.register()
        # Who hears of a document the antivirus found infected after its upload.
        uploads.document_infected.connect(
            services.documents.document_found_infected,
            sender=DossierDocument,
            dispatch_uid="aides-document-infected",
        )
        uploads.document_infected.connect(
            opinions.attachment_found_infected,
            sender=PartnerOpinionAttachment,
            dispatch_uid="aides-opinion-attachment-infected",
        )
