"""API clients tied to one département or one structure (``iae_portal.api.scope_kinds``),
registered by ``StructuresConfig.ready()``: ``api_token create --department CODE`` or
``--structure SIRET``. A structure's client is one of its members (a director when it
writes), and leaves it when revoked."""

from iae_portal.api import scope_kinds
from iae_portal.api.models import ApiScope
from iae_portal.users.enums import Role

from ..enums import MembershipRole
from ..models import Department, Membership, Structure
from ..services import membership_add, membership_deactivate


def _join(*, actor, user, obj, scope):
    role = MembershipRole.DIRECTEUR if scope == ApiScope.WRITE else MembershipRole.SALARIE
    membership_add(actor=actor, structure=obj, user=user, role=role)


def _leave(*, actor, user, reason):
    for membership in Membership.objects.filter(user=user, is_active=True):
        membership_deactivate(actor=actor, membership=membership, reason=reason)


def _structure_uuid(pk):
    """Tombstones keep a structure by its uuid."""
    return str(Structure.objects.filter(pk=pk).values_list("uuid", flat=True).first())


def register():
    scope_kinds.register(
        "department",
        metavar="CODE",
        help="un seul département",
        noun="département",
        find=scope_kinds.find_by(Department, "code"),
        label=lambda department: f"département {department.code}",
        account=lambda department: {"region": department.region},
        order=10,
    )
    scope_kinds.register(
        "structure",
        metavar="SIRET",
        help="une seule structure",
        noun="structure",
        find=scope_kinds.find_by(Structure, "siret"),
        label=lambda structure: f"structure {structure.siret}",
        role=Role.SIAE,
        joined=_join,
        left=_leave,
        tombstone=_structure_uuid,
        order=20,
    )
