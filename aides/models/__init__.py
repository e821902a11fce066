from .batches import BatchItem, BatchState, ComputationBatch
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
    "BatchItem",
    "BatchState",
    "ComputationBatch",
    "AidComputation",
    "AidScheme",
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
