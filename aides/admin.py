from django.contrib import admin

from iae_portal.admin import ReadOnlyAdmin

from .models import (
    AidComputation,
    AidScheme,
    Batch,
    Campaign,
    Commission,
    Dossier,
    FinancingPlan,
    FundingLine,
    LetterSettings,
    OpinionRequest,
    ParameterVersion,
    PartnerOpinion,
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


# -- Partners' opinions and financing plans: read-only, their pages and services write them.


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartnerOpinionInline(ReadOnlyInline):
    model = PartnerOpinion
    fields = ["created_at", "author", "position", "text"]
    readonly_fields = fields


@admin.register(OpinionRequest)
class OpinionRequestAdmin(ReadOnlyAdmin):
    """Read-only: asked, reminded, answered and withdrawn through the dossier's pages."""

    list_display = ["dossier", "partner", "organisation", "due_on", "created_at", "answered_at"]
    list_filter = ["organisation__kind", "organisation"]
    search_fields = ["dossier__reference", "partner__email", "organisation__name"]
    list_select_related = ["dossier", "partner", "organisation"]
    readonly_fields = [f.name for f in OpinionRequest._meta.fields] + ["shared_documents"]
    inlines = [PartnerOpinionInline]


@admin.register(PartnerOpinion)
class PartnerOpinionAdmin(ReadOnlyAdmin):
    """Read-only: an opinion is never edited (a later one may follow)."""

    list_display = ["request", "author", "position", "created_at"]
    list_filter = ["position"]
    search_fields = ["request__dossier__reference", "author__email"]
    list_select_related = ["request__dossier", "request__partner", "author"]
    readonly_fields = [f.name for f in PartnerOpinion._meta.fields]


class FundingLineInline(ReadOnlyInline):
    model = FundingLine
    fields = ["position", "funder", "label", "amount", "status", "document"]
    readonly_fields = fields


@admin.register(FinancingPlan)
class FinancingPlanAdmin(ReadOnlyAdmin):
    """Read-only: the applicant declares the plan on the dossier's pages."""

    list_display = ["dossier", "total_cost", "updated_at", "updated_by"]
    search_fields = ["dossier__reference", "dossier__structure__name"]
    list_select_related = ["dossier", "updated_by"]
    readonly_fields = [f.name for f in FinancingPlan._meta.fields]
    inlines = [FundingLineInline]
