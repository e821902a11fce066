from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from aides.models import FinancingPlan, FundingLine, OpinionRequest, PartnerOpinion
from structures.models import Membership
from tests.api.fixtures import dossier_for

pytestmark = pytest.mark.django_db


def test_every_registered_model_has_a_working_admin_list(client, admin_user):
    client.force_login(admin_user)
    checked = 0
    for model in admin.site._registry:
        meta = model._meta
        response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert response.status_code == 200, meta.label
        checked += 1
    assert checked >= 20


def test_non_staff_cannot_open_the_admin(client, instructeur):
    client.force_login(instructeur)
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize(
    "label",
    [
        "audit.AuditEntry",
        "clauses.ImportRun",
        "clauses.LotInterest",
        "clauses.ShortlistEntry",
        "clauses.OfferSubscription",
        "clauses.PlannedPurchase",
        "clauses.PartnershipAgreement",
        "clauses.ReviewMinutes",
        "structures.Membership",
        "structures.StructureActivity",
        "aides.LetterSettings",
        "aides.OpinionRequest",
        "aides.PartnerOpinion",
        "aides.FinancingPlan",
    ],
)
def test_records_only_their_services_write_are_read_only(rf, admin_user, label):
    model_admin = admin.site._registry[apps.get_model(label)]
    request = rf.get("/")
    request.user = admin_user
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_structure_admin_cannot_attach_anyone(client, admin_user, structure_a):
    """People join a structure by invitation (staff accounts refused, journalled): the
    structure's admin page shows its members and adds, changes or removes none."""
    client.force_login(admin_user)
    page = client.get(reverse("admin:structures_structure_change", args=[structure_a.pk]))
    assert page.status_code == 200
    (members,) = [
        inline
        for inline in page.context["inline_admin_formsets"]
        if inline.opts.model is Membership
    ]
    assert (members.has_add_permission, members.has_change_permission) == (False, False)
    assert not members.has_delete_permission
    assert client.get(reverse("admin:structures_membership_add")).status_code == 403


def test_opinions_and_financing_plans_show_with_their_lines_and_change_nothing(
    client, admin_user, instructeur, structure_a
):
    dossier = dossier_for(structure_a)
    plan = FinancingPlan.objects.create(dossier=dossier, total_cost=Decimal("50000.00"))
    FundingLine.objects.create(plan=plan, funder="fse", label="FSE+ régional", amount=10000)
    request = OpinionRequest.objects.create(
        dossier=dossier,
        partner=instructeur,
        question="Votre avis ?",
        due_on=timezone.localdate(),
        requested_by=admin_user,
    )
    PartnerOpinion.objects.create(
        request=request, author=instructeur, position="favorable", text="Avis très favorable."
    )
    client.force_login(admin_user)
    for name, obj, shown in (
        ("financingplan", plan, "FSE+ régional"),
        ("opinionrequest", request, "Avis très favorable."),
    ):
        page = client.get(reverse(f"admin:aides_{name}_change", args=[obj.pk]))
        assert page.status_code == 200 and shown in page.content.decode()
        assert (
            client.post(reverse(f"admin:aides_{name}_change", args=[obj.pk]), {}).status_code == 403
        )
