from django.contrib import admin

from .models import (
    Accompaniment,
    Deliverable,
    Diagnostic,
    Dla,
    DlaMembership,
    FollowUp,
    Prestation,
    Provider,
    StructureStaffCount,
    SupportPlan,
)


class MembershipInline(admin.TabularInline):
    model = DlaMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Dla)
class DlaAdmin(admin.ModelAdmin):
    list_display = ["department", "host_name"]
    search_fields = ["department__name", "department__code", "host_name"]
    inlines = [MembershipInline]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class PrestationInline(admin.StackedInline):
    model = Prestation
    extra = 0
    autocomplete_fields = ["provider", "beneficiaries"]


class DiagnosticInline(admin.StackedInline):
    model = Diagnostic
    extra = 0


class SupportPlanInline(admin.StackedInline):
    model = SupportPlan
    extra = 0
    autocomplete_fields = ["provider"]


class FollowUpInline(admin.StackedInline):
    model = FollowUp
    extra = 0


@admin.register(Accompaniment)
class AccompanimentAdmin(admin.ModelAdmin):
    list_display = ["ref", "dla", "state", "request_date", "closed_on"]
    list_filter = ["state", "dla"]
    search_fields = ["ref"]
    readonly_fields = ["uuid"]
    autocomplete_fields = ["structures"]
    inlines = [DiagnosticInline, SupportPlanInline, PrestationInline, FollowUpInline]


@admin.register(Deliverable)
class DeliverableAdmin(admin.ModelAdmin):
    list_display = ["original_name", "prestation", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "prestation__ref"]
    list_select_related = ["prestation", "uploaded_by"]
    readonly_fields = ["uuid", "content_type", "size", "uploaded_at"]


@admin.register(StructureStaffCount)
class StructureStaffCountAdmin(admin.ModelAdmin):
    list_display = ["structure", "permanents", "insertion_employees", "updated_at"]
    search_fields = ["structure__name", "structure__siret"]
    autocomplete_fields = ["structure"]
