from django.contrib import admin

from .models import Buyer, Facilitator, FacilitatorMembership, HoursReport, Lot, Marche


@admin.register(Buyer)
class BuyerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = FacilitatorMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Facilitator)
class FacilitatorAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [MembershipInline]


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    fields = ["ref", "object", "procedure", "clause", "hours_required", "facilitator"]
    autocomplete_fields = ["facilitator"]


@admin.register(Marche)
class MarcheAdmin(admin.ModelAdmin):
    list_display = ["ref", "buyer", "type", "notification_date"]
    list_filter = ["type", "buyer__kind"]
    search_fields = ["ref", "buyer__name"]
    date_hierarchy = "notification_date"
    inlines = [LotInline]


@admin.register(HoursReport)
class HoursReportAdmin(admin.ModelAdmin):
    """Participants are pseudonymous references only (clauses.md)."""

    list_display = [
        "lot",
        "period",
        "participant_ref",
        "public_category",
        "modality",
        "siae",
        "hours",
    ]
    list_filter = ["modality", "public_category"]
    list_select_related = ["lot__marche", "siae"]
    autocomplete_fields = ["siae"]
