"""Deleted contracts, lots and hours in the API's deletions feed.

A tombstone keeps where the object was executed (``filters.lot_in_department``: the
contract's département, else its facilitators' territories) and the facilitators following
it, so that the feed shows it to those who saw it. Scopes are read before the deletion
(``iae_portal.api.deletions``): a contract's lots still exist then."""

from django.db.models import Q

from iae_portal.api.deletions import register, scoped_to
from iae_portal.users.enums import Role
from structures.enums import MembershipRole
from structures.models import Membership

from .. import perms
from ..models import Facilitator, HoursReport, Lot, Marche


def clauses_audience(user, *, directors=False):
    """As ``perms.visible_marches``/``visible_lots``/``visible_hours``: the clause officer
    sees everything, a facilitator what its facilitators follow, an SIAE director (hours
    only) what its structures delivered."""
    if perms.is_clause_officer(user):
        return Q()
    if perms.is_facilitator(user):
        return scoped_to("facilitator", perms.followed_facilitator_ids(user))
    if directors and user.is_authenticated and user.is_active and user.role == Role.SIAE:
        uuids = Membership.objects.filter(
            user=user, is_active=True, role=MembershipRole.DIRECTEUR
        ).values_list("structure__uuid", flat=True)
        return scoped_to("structure", [str(u) for u in uuids])
    return None


def _territory(facilitator_ids):
    return list(
        Facilitator.departments.through.objects.filter(facilitator_id__in=facilitator_ids)
        .values_list("department_id", flat=True)
        .distinct()
    )


def lot_scope(lot):
    marche = Marche.objects.filter(pk=lot.marche_id).values("department_id").first()
    department = marche and marche["department_id"]
    followers = [lot.facilitator_id] if lot.facilitator_id else []
    return {
        "department": [department] if department else _territory(followers),
        "facilitator": followers,
    }


def marche_scope(marche):
    lots = Lot.objects.filter(marche=marche, facilitator__isnull=False)
    followers = sorted(set(lots.values_list("facilitator_id", flat=True)))
    department = marche.department_id
    return {
        "department": [department] if department else _territory(followers),
        "facilitator": followers,
    }


def hours_scope(report):
    lot = Lot.objects.filter(pk=report.lot_id).first()
    scope = lot_scope(lot) if lot else {}
    siae = report.siae.uuid if report.siae_id else None
    return scope | {"structure": siae}


register(
    Marche,
    type="marche",
    scope=marche_scope,
    restrict={"department": True},
    audience=clauses_audience,
)
register(
    Lot,
    type="lot",
    scope=lot_scope,
    restrict={"department": True},
    audience=clauses_audience,
)
register(
    HoursReport,
    type="heures",
    scope=hours_scope,
    restrict={"department": True, "structure": True},
    audience=lambda user: clauses_audience(user, directors=True),
)
