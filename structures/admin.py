from django import forms
from django.contrib import admin

from iae_portal.admin import ReadOnlyAdmin

from .models import (
    CollectiveProject,
    Convention,
    Department,
    Membership,
    NetworkAffiliation,
    Organisation,
    OrganisationMembership,
    ProjectMember,
    Region,
    SharedPost,
    SharedPostSplit,
    Structure,
    StructureActivity,
    YearlyFigures,
)
from .partners import is_partner_account


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


class ConventionInline(admin.TabularInline):
    model = Convention
    extra = 0


class AffiliationInline(admin.TabularInline):
    model = NetworkAffiliation
    extra = 0


class FiguresInline(admin.StackedInline):
    model = YearlyFigures
    extra = 0


class MembershipInline(admin.TabularInline):
    """Shown, never written here: people join by invitation and leave from the members'
    page (``structures.services``: staff accounts refused, every change journalled)."""

    model = Membership
    extra = 0
    fields = ["user", "role", "is_active", "created_at", "deactivated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "kind", "legal_form", "department", "updated_at"]
    list_filter = ["kind", "legal_form", "department__region"]
    search_fields = ["name", "siret", "city"]
    list_select_related = ["department"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [ConventionInline, AffiliationInline, FiguresInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Memberships change through invitations and the members' page only (see the inline)."""

    list_display = ["user", "structure", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "structure__name", "structure__siret"]
    autocomplete_fields = ["user", "structure"]
    list_select_related = ["user", "structure"]


@admin.register(StructureActivity)
class StructureActivityAdmin(ReadOnlyAdmin):
    """Declared on the structure's « Modifier les activités » page only (its service)."""

    list_display = ["structure", "activity", "is_main", "updated_at"]
    list_filter = ["is_main"]
    search_fields = ["naf_code", "structure__name", "structure__siret"]
    list_select_related = ["structure"]

    @admin.display(description="activité (code NAF)", ordering="naf_code")
    def activity(self, activity):
        return str(activity)


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    autocomplete_fields = ["structure"]


class SharedPostInline(admin.TabularInline):
    model = SharedPost
    extra = 0
    autocomplete_fields = ["host"]
    show_change_link = True


@admin.register(CollectiveProject)
class CollectiveProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "carrier", "start_date"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["carrier"]
    readonly_fields = ["uuid"]
    inlines = [ProjectMemberInline, SharedPostInline]


class SharedPostSplitInline(admin.TabularInline):
    model = SharedPostSplit
    extra = 0
    autocomplete_fields = ["structure"]


@admin.register(SharedPost)
class SharedPostAdmin(admin.ModelAdmin):
    list_display = ["function", "project", "etp", "host"]
    autocomplete_fields = ["project", "host"]
    inlines = [SharedPostSplitInline]


# -- Partner organisations (structures.partners): managed here; partners are attached here
# or by an instructeur's invitation when asking an opinion.


class OrganisationMembershipForm(forms.ModelForm):
    class Meta:
        model = OrganisationMembership
        fields = ["user", "is_active"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if user is not None and not is_partner_account(user):
            raise forms.ValidationError(
                "Seul un compte de partenaire (rôle « Partenaire ») peut être rattaché à un "
                "organisme partenaire."
            )
        return user


class OrganisationMembershipInline(admin.TabularInline):
    model = OrganisationMembership
    form = OrganisationMembershipForm
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]
    fields = ["user", "is_active", "created_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "department", "updated_at"]
    list_filter = ["kind", "region"]
    search_fields = ["name"]
    list_select_related = ["region", "department"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [OrganisationMembershipInline]
