from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "iae_portal.audit"
    label = "audit"
    verbose_name = "Journal des modifications"
