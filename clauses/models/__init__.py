"""Public contracts with social clauses: ../shared/domain/clauses.md. The models live in
``core`` (contracts, lots, hours, matching), ``programme`` (planned purchases) and
``agreements`` (facilitators' partnership agreements)."""

from .agreements import PartnershipAgreement, QuarterlyReview, ReviewMinutes
from .core import (
    Buyer,
    Facilitator,
    FacilitatorMembership,
    HoursReport,
    ImportRun,
    Lot,
    LotInterest,
    Marche,
    OfferSubscription,
    ShortlistEntry,
    bulk_update_touching,
    hours_from_amount,
)
from .programme import PlannedPurchase

__all__ = [
    "Buyer",
    "Facilitator",
    "FacilitatorMembership",
    "HoursReport",
    "ImportRun",
    "Lot",
    "LotInterest",
    "Marche",
    "OfferSubscription",
    "PartnershipAgreement",
    "PlannedPurchase",
    "QuarterlyReview",
    "ReviewMinutes",
    "ShortlistEntry",
    "bulk_update_touching",
    "hours_from_amount",
]
