"""What the structures app shows on the home page, through ``iae_portal.sections``: the
structures of staff's scope by kind, a member's own structures, the directory for DLA
chargés and facilitators. Registered by ``StructuresConfig.ready()``."""

from django.db.models import Count
from django.urls import reverse

from iae_portal.sections import counter, home_page

from . import perms
from .enums import StructureKind
from .models import Membership


def staff_section(request):
    """The structures of the user's scope by kind, each count linking to the list of them."""
    user = request.user
    labels = dict(StructureKind.choices)
    rows = list(
        perms.visible_structures(user).values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    )
    url = reverse("structures:list")
    kinds = [
        counter(row["n"], labels[row["kind"]], labels[row["kind"]], f"{url}?kind={row['kind']}")
        for row in rows
    ]
    return {
        "total": counter(sum(row["n"] for row in rows), "structure", "structures", url),
        "kinds": kinds,
        "can_import": perms.can_import_structures(user),
    }


def member_section(request):
    return {
        "memberships": Membership.objects.filter(user=request.user, is_active=True)
        .select_related("structure__department")
        .order_by("structure__name")
    }


def directory_section(request):
    total = perms.visible_structures(request.user).count()
    url = reverse("structures:list")
    return {"total": counter(total, "structure dans l'annuaire", "structures dans l'annuaire", url)}


def register():
    home_page.register(
        "structures.scope",
        perms.is_staff_reader,
        "structures/_home_staff.html",
        staff_section,
        order=50,
    )
    home_page.register(
        "structures.mine",
        perms.is_member_role,
        "structures/_home_member.html",
        member_section,
        order=10,
    )
    home_page.register(
        "structures.directory",
        perms.is_directory_reader,
        "structures/_home_directory.html",
        directory_section,
        order=50,
    )
