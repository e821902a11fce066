from .mutualisation import CollectiveProject, ProjectMember, SharedPost, SharedPostSplit
from .structure import Convention, Membership, NetworkAffiliation, Structure, YearlyFigures
from .territory import Department, Region

__all__ = [
    "CollectiveProject",
    "Convention",
    "Department",
    "Membership",
    "NetworkAffiliation",
    "ProjectMember",
    "Region",
    "SharedPost",
    "SharedPostSplit",
    "Structure",
    "YearlyFigures",
]
