from .core import (
    MONEY,
    Accompaniment,
    AccompanimentQuerySet,
    Dla,
    DlaMembership,
    Prestation,
    Provider,
    StructureStaffCount,
)
from .steps import Deliverable, Diagnostic, FollowUp, SupportPlan

__all__ = [
    "MONEY",
    "Accompaniment",
    "AccompanimentQuerySet",
    "Deliverable",
    "Diagnostic",
    "Dla",
    "DlaMembership",
    "FollowUp",
    "Prestation",
    "Provider",
    "StructureStaffCount",
    "SupportPlan",
]
