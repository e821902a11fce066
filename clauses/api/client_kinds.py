"""API clients of one facilitator (``iae_portal.api.scope_kinds``), registered by
``ClausesConfig.ready()``: ``api_token create --facilitator NOM``. No restriction: the
client's account is a member of the facilitator, so ``clauses/perms.py`` give it that
facilitator's lots and hours, as to a person."""

from iae_portal.api import scope_kinds
from iae_portal.users.enums import Role

from ..models import Facilitator, FacilitatorMembership


def _join(*, actor, user, obj, scope):
    FacilitatorMembership.objects.update_or_create(
        user=user, facilitator=obj, defaults={"is_active": True}
    )


def register():
    scope_kinds.register(
        "facilitator",
        metavar="NOM",
        help="pour un facilitateur (ses lots, ses heures)",
        noun="facilitateur",
        find=scope_kinds.find_by(Facilitator, "name"),
        label=lambda facilitator: f"facilitateur {facilitator.name}",
        role=Role.FACILITATEUR,
        joined=_join,
        restricts=False,
        order=40,
    )
