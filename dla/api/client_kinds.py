"""API clients tied to one DLA (``iae_portal.api.scope_kinds``), registered by
``DlaConfig.ready()``: ``api_token create --dla CODE`` (its département). The client's
account is a chargé de mission of that DLA."""

from iae_portal.api import scope_kinds
from iae_portal.users.enums import Role

from ..models import Dla, DlaMembership


def _join(*, actor, user, obj, scope):
    DlaMembership.objects.update_or_create(user=user, dla=obj, defaults={"is_active": True})


def _department(pk):
    """Tombstones keep a DLA by its département's code."""
    return Dla.objects.filter(pk=pk).values_list("department_id", flat=True).first()


def register():
    scope_kinds.register(
        "dla",
        metavar="CODE",
        help="un seul DLA (son département)",
        noun="DLA",
        find=scope_kinds.find_by(Dla, "department_id"),
        label=lambda dla: f"DLA {dla.department_id}",
        role=Role.DLA,
        joined=_join,
        tombstone=_department,
        order=30,
    )
