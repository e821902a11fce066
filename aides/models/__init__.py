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
