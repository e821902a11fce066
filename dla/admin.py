from django.contrib import admin

from .models import Accompaniment, Dla, DlaMembership, Prestation, Provider, StructureStaffCount


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


@admin.register(Accompaniment)
class AccompanimentAdmin(admin.ModelAdmin):
    list_display = ["ref", "dla", "state", "request_date"]
    list_filter = ["state", "dla"]
    search_fields = ["ref"]
    readonly_fields = ["uuid"]
    inlines = [PrestationInline]


@admin.register(StructureStaffCount)
class StructureStaffCountAdmin(admin.ModelAdmin):
    list_display = ["structure", "permanents", "insertion_employees", "updated_at"]
    search_fields = ["structure__name", "structure__siret"]
    autocomplete_fields = ["structure"]
