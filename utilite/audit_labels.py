"""What the journal says of social utility's entries (``iae_portal.audit.labels``)."""

from iae_portal.audit.labels import register

from .enums import ReportStatus
from .indicators import INDICATORS

register(
    actions={
        "utilite.import": "Import de bilans d'utilité sociale",
        "utilite.save_draft": "Bilan d'utilité sociale enregistré (brouillon)",
        "utilite.submit": "Bilan d'utilité sociale soumis",
        "utilite.validate": "Bilan d'utilité sociale validé",
        "utilite.send_back": "Bilan d'utilité sociale renvoyé pour correction",
        "utilite.delegate_grant": "Personne autorisée à remplir le bilan d'utilité sociale",
        "utilite.delegate_revoke": "Autorisation de remplir le bilan d'utilité sociale retirée",
    },
    model="utilite.socialreport",
    fields={indicator.code: indicator.label for indicator in INDICATORS},
    values={"status": ReportStatus.choices},
)

# The missing reports' reminder, journalled on the structure (``utilite.reminders``).
register(
    actions={"utilite.remind": "Relance du bilan d'utilité sociale manquant"},
    model="structures.structure",
    fields={"utilite_reminder_year": "Bilan d'utilité sociale relancé (année)"},
)
