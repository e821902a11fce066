from django.apps import AppConfig


class UtiliteConfig(AppConfig):
    name = "utilite"
    label = "utilite"
    verbose_name = "Utilité sociale"

    def ready(self):
        from iae_portal import access

        from . import perms
        from .models import SocialReport

        # Who reads which reports (its perms.py), also behind SocialReport.objects.visible_to.
        access.register_visibility(SocialReport, perms.visible_reports)
