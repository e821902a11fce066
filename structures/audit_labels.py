"""What the journal says of the structures' entries (``iae_portal.audit.labels``)."""

from iae_portal.audit.labels import register

from .enums import Network
from .models import InvitationStatus

register(
    actions={
        "structure.create": "Création de la structure",
        "structure.update": "Modification de la structure",
        "structure.networks": "Réseaux de la structure",
        "structure.convention": "Conventionnement",
        "structure.figures": "Chiffres annuels",
        "structure.membership": "Rattachement d'une personne",
        "structure.invitation": "Invitation à rejoindre la structure",
        "structure.import": "Import de structures",
        "organisation.partner": "Partenaire invité",
        "structure.activities": "Activités (codes NAF)",
    },
    model="structures.structure",
    fields={
        "networks": "Réseaux",
        "convention": "Conventionnement",
        "invitation": "Invitation",
        "activities": "Activités (codes NAF)",
        "main_activity": "Activité principale",
    },
    values={"networks": Network.choices, "invitation": InvitationStatus.choices},
)
