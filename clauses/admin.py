from django.contrib import admin

from iae_portal.admin import ReadOnlyAdmin

from .models import (
    Buyer,
    Facilitator,
    FacilitatorMembership,
    HoursReport,
    ImportRun,
    Lot,
    LotInterest,
    Marche,
    OfferSubscription,
    PartnershipAgreement,
    PlannedPurchase,
    QuarterlyReview,
    ReviewMinutes,
    ShortlistEntry,
)


@admin.register(Buyer)
class BuyerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "labour_share", "insertion_rate", "hourly_cost"]
    list_filter = ["kind"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = FacilitatorMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Facilitator)
class FacilitatorAdmin(admin.ModelAdmin):
    list_display = ["name", "territory"]
    list_filter = ["departments__region"]
    search_fields = ["name", "departments__name", "departments__code"]
    autocomplete_fields = ["departments"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departments")

    @admin.display(description="départements couverts")
    def territory(self, facilitator):
        return ", ".join(d.code for d in facilitator.departments.all()) or "—"


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    fields = ["ref", "object", "procedure", "clause", "hours_required", "facilitator"]
    autocomplete_fields = ["facilitator"]


@admin.register(Marche)
class MarcheAdmin(admin.ModelAdmin):
    list_display = ["ref", "buyer", "type", "notification_date", "department"]
    list_filter = ["type", "buyer__kind"]
    list_select_related = ["buyer", "department"]
    search_fields = ["ref", "buyer__name"]
    date_hierarchy = "notification_date"
    autocomplete_fields = ["department"]
    inlines = [LotInline]


@admin.register(HoursReport)
class HoursReportAdmin(admin.ModelAdmin):
    """Read-only totals: the participant reference is for the lot's facilitators only
    (clauses.md), so it is neither listed, searched nor shown here; hours come from the
    facilitators' monthly reports and the imports."""

    list_display = ["lot", "period", "public_category", "modality", "siae", "hours"]
    list_filter = ["modality", "public_category"]
    list_select_related = ["lot__marche", "siae"]
    exclude = ["participant_ref"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "file_name", "actor", "created", "updated", "unchanged"]
    list_filter = ["kind"]
    list_select_related = ["actor"]


# The clauses matching (issue 19): written by ``services_offers`` only.
@admin.register(LotInterest)
class LotInterestAdmin(ReadOnlyAdmin):
    list_display = ["lot", "structure", "user", "created_at", "withdrawn_at"]
    list_select_related = ["lot__marche", "structure", "user"]
    search_fields = ["lot__marche__ref", "structure__name", "structure__siret"]
    date_hierarchy = "created_at"


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(ReadOnlyAdmin):
    list_display = ["lot", "structure", "added_by", "added_at"]
    list_select_related = ["lot__marche", "structure", "added_by"]
    search_fields = ["lot__marche__ref", "structure__name", "structure__siret"]


@admin.register(OfferSubscription)
class OfferSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["user", "enabled", "last_sent_at"]
    list_filter = ["enabled"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


# A buyer's yearly programme (issue 19, part 4): written by ``services_programme`` only.
@admin.register(PlannedPurchase)
class PlannedPurchaseAdmin(ReadOnlyAdmin):
    list_display = [
        "object",
        "buyer",
        "year",
        "launch_quarter",
        "clause",
        "hours_planned",
        "status",
        "marche",
    ]
    list_filter = ["year", "status", "clause", "type"]
    list_select_related = ["buyer", "marche"]
    search_fields = ["object", "buyer__name", "marche__ref"]


# Facilitators' partnership agreements (issue 19, part 5): written by
# ``services_agreements`` only.
class QuarterlyReviewInline(admin.TabularInline):
    model = QuarterlyReview
    fields = ["year", "quarter", "held_on", "created_by", "updated_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartnershipAgreement)
class PartnershipAgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "facilitator", "start_date", "end_date", "hours_objective"]
    list_filter = ["facilitator"]
    list_select_related = ["facilitator"]
    search_fields = ["title", "facilitator__name", "buyers__name"]
    inlines = [QuarterlyReviewInline]


@admin.register(ReviewMinutes)
class ReviewMinutesAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "review", "size", "scan_state", "uploaded_by", "uploaded_at"]
    list_select_related = ["review__agreement", "uploaded_by"]
    search_fields = ["original_name", "review__agreement__title"]
