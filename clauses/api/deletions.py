"""Deleted contracts, lots and hours in the API's deletions feed.

A tombstone keeps where the object was executed (``filters.lot_in_department``: the
contract's département, else its facilitators' territories) and the facilitators following
it, so that the feed shows it to those who saw it. Scopes are read before the deletion
(``iae_portal.api.deletions``): a contract's lots still exist then."""

from iae_portal.api.deletions import register

from .. import perms
from ..models import Facilitator, HoursReport, Lot, LotInterest, Marche, PlannedPurchase


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


def purchase_scope(purchase):
    followers = [purchase.facilitator_id] if purchase.facilitator_id else []
    department = purchase.department_id
    return {
        "department": [department] if department else _territory(followers),
        "facilitator": followers,
    }


def interest_scope(interest):
    lot = Lot.objects.filter(pk=interest.lot_id).first()
    scope = lot_scope(lot) if lot else {}
    structure = interest.structure.uuid if interest.structure_id else None
    return scope | {"structure": structure}


register(
    Marche,
    type="marche",
    scope=marche_scope,
    restrict={"department": True},
    audience=perms.clauses_audience,
)
register(
    Lot,
    type="lot",
    scope=lot_scope,
    restrict={"department": True},
    audience=perms.clauses_audience,
)
register(
    HoursReport,
    type="heures",
    scope=hours_scope,
    restrict={"department": True, "structure": True},
    audience=perms.hours_audience,
)
register(
    PlannedPurchase,
    type="achat_prevu",
    scope=purchase_scope,
    restrict={"department": True},
    audience=perms.purchases_audience,
)
register(
    LotInterest,
    type="interet_lot",
    scope=interest_scope,
    restrict={"department": True, "structure": True},
    audience=perms.interests_audience,
)
