from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from iae_portal.users.enums import Role
from structures import perms as structure_perms
from structures.enums import StructureKind
from structures.models import Membership

HOME_TEMPLATES = {
    Role.ADMIN: "home/staff.html",
    Role.INSTRUCTEUR: "home/staff.html",
    Role.CHEF_SERVICE: "home/staff.html",
    Role.LECTEUR: "home/staff.html",
    Role.SIAE: "home/siae.html",
    Role.DLA: "home/dla.html",
    Role.FACILITATEUR: "home/facilitateur.html",
}


@login_required
def home(request):
    user = request.user
    context = {}
    if user.role == Role.SIAE:
        context["memberships"] = (
            Membership.objects.filter(user=user, is_active=True)
            .select_related("structure__department")
            .order_by("structure__name")
        )
    else:
        labels = dict(StructureKind.choices)
        counts = (
            structure_perms.visible_structures(user)
            .values("kind")
            .annotate(n=Count("pk"))
            .order_by("-n")
        )
        context["kind_counts"] = [(row["kind"], labels[row["kind"]], row["n"]) for row in counts]
        context["structure_total"] = sum(row["n"] for row in counts)
        context["can_import"] = structure_perms.can_import_structures(user)
    return render(request, HOME_TEMPLATES.get(user.role, "home/staff.html"), context)
