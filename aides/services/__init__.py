"""Every change to schemes and dossiers goes through these functions (one transaction,
an audit entry, side effects on commit)."""

from .campaigns import campaign_create
from .documents import document_add, document_remove, document_replace
from .dossiers import (
    DossierChanged,
    TransitionRefused,
    comment_add,
    dossier_create,
    dossier_save_data,
    dossier_transition,
    dossiers_assign,
    dossiers_vote,
    instalment_pay,
)
from .schemes import (
    SCHEME_FIELDS,
    computation_record,
    jsonable,
    presets_load,
    scheme_parameters_change,
    scheme_update,
)

__all__ = [
    "SCHEME_FIELDS",
    "DossierChanged",
    "TransitionRefused",
    "campaign_create",
    "comment_add",
    "computation_record",
    "document_add",
    "document_remove",
    "document_replace",
    "dossier_create",
    "dossier_save_data",
    "dossier_transition",
    "dossiers_assign",
    "dossiers_vote",
    "instalment_pay",
    "jsonable",
    "presets_load",
    "scheme_parameters_change",
    "scheme_update",
]
