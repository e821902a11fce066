from .batches import Batch, BatchItem, BatchKind, BatchState
from .dossiers import (
    Campaign,
    Commission,
    Dossier,
    DossierComment,
    DossierDocument,
    Instalment,
    Notification,
)
from .financing import FinancingPlan, FundingLine
from .letters import LetterSettings
from .partners import (
    OpinionRequest,
    OpinionRequestState,
    PartnerOpinion,
    PartnerOpinionAttachment,
)
from .schemes import AidComputation, AidScheme, ParameterVersion

__all__ = [
    "AidComputation",
    "AidScheme",
    "Batch",
    "BatchItem",
    "BatchKind",
    "BatchState",
    "Campaign",
    "Commission",
    "Dossier",
    "DossierComment",
    "DossierDocument",
    "FinancingPlan",
    "FundingLine",
    "Instalment",
    "LetterSettings",
    "Notification",
    "OpinionRequest",
    "OpinionRequestState",
    "ParameterVersion",
    "PartnerOpinion",
    "PartnerOpinionAttachment",
]
