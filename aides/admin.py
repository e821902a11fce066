from django.contrib import admin

from iae_portal.admin import ReadOnlyAdmin

from .models import (
    AidComputation,
    AidScheme,
    Batch,
    Campaign,
    Commission,
    Dossier,
    LetterSettings,
    ParameterVersion,
)


class ParameterVersionInline(admin.TabularInline):
    """Read-only: a change of parameters goes through the scheme's page (a new version)."""

    model = ParameterVersion
    extra = 0
    fields = ["number", "created_at", "created_by", "reason", "values"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AidScheme)
class AidSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "origin_region", "rule_kind", "active_from", "active_until"]
    list_filter = ["rule_kind", "origin_region"]
    search_fields = ["name", "code"]
    readonly_fields = ["uuid", "code", "rule_kind", "created_at", "updated_at"]
    inlines = [ParameterVersionInline]


@admin.register(AidComputation)
class AidComputationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "scheme", "structure", "eligible", "total", "version"]
    list_filter = ["scheme", "eligible"]
    list_select_related = ["scheme", "structure", "version"]
    readonly_fields = [f.name for f in AidComputation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommissionInline(admin.TabularInline):
    model = Commission
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "scheme", "opens_on", "closes_on", "budget_envelope"]
    list_filter = ["scheme"]
    search_fields = ["name"]
    inlines = [CommissionInline]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Read-only: a dossier moves through its services (workflow, audit, notifications)."""

    list_display = [
        "reference",
        "structure",
        "campaign",
        "state",
        "requested_amount",
        "voted_amount",
    ]
    list_filter = ["state", "campaign__scheme"]
    search_fields = ["reference", "structure__name", "structure__siret"]
    list_select_related = ["structure", "campaign"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "campaign", "state", "done", "total", "errors"]
    list_filter = ["kind", "state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LetterSettings)
class LetterSettingsAdmin(ReadOnlyAdmin):
    """Read-only: a change goes through « Paramètres des courriers » (a new version)."""

    list_display = ["number", "council_name", "signatory_name", "created_at", "created_by"]
    readonly_fields = [f.name for f in LetterSettings._meta.fields]
