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
from .letters import LetterSettings
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
    "Instalment",
    "LetterSettings",
    "Notification",
    "ParameterVersion",
]
