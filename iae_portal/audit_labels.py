"""What the journal says of the core's own entries (``iae_portal.audit.labels``)."""

from iae_portal.audit.labels import register

register(actions={"upload.infected": "Fichier infecté refusé par l'antivirus"})
