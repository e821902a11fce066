from django.apps import AppConfig


class UtiliteConfig(AppConfig):
    name = "utilite"
    label = "utilite"
    verbose_name = "Utilité sociale"

    def ready(self):
        from iae_portal import access

        from . import cdiae, demo, perms
        from .api import routes
        from .models import SocialReport

        # Who reads which reports (its perms.py), also behind SocialReport.objects.visible_to.
        access.register_visibility(SocialReport, perms.visible_reports)
        # Its resource of /api/v1/ (iae_portal.api.routes): the reports.
        routes.register()
        # Its step of seed_demo (iae_portal.demo): three years of reports.
        demo.register()
        # Its table of the CDIAE report (iae_portal.cdiae): the year's statistics by kind.
        cdiae.register()

        from . import menu, sections

        # The reports on the structure page and the home page (iae_portal.sections), and
        # the « Utilité sociale » entry of the main menu (iae_portal.menu).
        sections.register()
        menu.register()
