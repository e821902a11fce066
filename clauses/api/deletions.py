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


def _placed(department, facilitator_id):
    """Where an object of one facilitator is executed: its département, else the
    facilitator's territory; and the facilitator following it."""
    followers = [facilitator_id] if facilitator_id else []
    return {
        "department": [department] if department else _territory(followers),
        "facilitator": followers,
    }


def lot_scope(lot):
    marche = Marche.objects.filter(pk=lot.marche_id).values("department_id").first()
    return _placed(marche and marche["department_id"], lot.facilitator_id)


def marche_scope(marche):
    lots = Lot.objects.filter(marche=marche, facilitator__isnull=False)
    followers = sorted(set(lots.values_list("facilitator_id", flat=True)))
    department = marche.department_id
    return {
        "department": [department] if department else _territory(followers),
        "facilitator": followers,
    }


def _on_lot(lot_id, structure):
    """A row of a lot delivered by (or concerning) ``structure``: the lot's scope and the
    structure's uuid."""
    lot = Lot.objects.filter(pk=lot_id).first()
    scope = lot_scope(lot) if lot else {}
    return scope | {"structure": structure.uuid if structure else None}


def hours_scope(report):
    return _on_lot(report.lot_id, report.siae if report.siae_id else None)


def purchase_scope(purchase):
    return _placed(purchase.department_id, purchase.facilitator_id)


def interest_scope(interest):
    return _on_lot(interest.lot_id, interest.structure if interest.structure_id else None)


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
