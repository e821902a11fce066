"""What the journal says of the DLA's entries (``iae_portal.audit.labels``): the steps'
names, and what the models' ``_meta`` cannot tell."""

from iae_portal.audit.labels import register

from .enums import DiagnosticParticipant

register(
    actions={
        "dla.request": "Demande d'accompagnement",
        "dla.diagnostic": "Diagnostic partagé",
        "dla.plan": "Plan d'accompagnement",
        "dla.prestation": "Prestation ajoutée",
        "dla.deliverable": "Livrables ajoutés",
        "dla.follow_up": "Contact de suivi",
        "dla.close": "Clôture de l'accompagnement",
        "dla.import": "Import d'un fichier DLA",
    },
    model="dla.accompaniment",
    fields={
        "structures": "Structures accompagnées (SIRET)",
        "beneficiaries": "Bénéficiaires (SIRET)",
    },
    # A JSON list: its field has no choices to read.
    values={"participants": DiagnosticParticipant.choices},
)
