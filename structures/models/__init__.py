from .activity import StructureActivity
from .invitation import Invitation, InvitationStatus
from .mutualisation import CollectiveProject, ProjectMember, SharedPost, SharedPostSplit
from .organisation import Organisation, OrganisationKind, OrganisationMembership
from .representation import StructureRepresentation
from .structure import Convention, Membership, NetworkAffiliation, Structure, YearlyFigures
from .territory import Department, Region

__all__ = [
    "CollectiveProject",
    "Convention",
    "Department",
    "Invitation",
    "InvitationStatus",
    "Membership",
    "NetworkAffiliation",
    "Organisation",
    "OrganisationKind",
    "OrganisationMembership",
    "ProjectMember",
    "Region",
    "SharedPost",
    "SharedPostSplit",
    "Structure",
    "StructureActivity",
    "StructureRepresentation",
    "YearlyFigures",
]
