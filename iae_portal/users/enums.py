from django.db import models


class Role(models.TextChoices):
    """What a person does in the portal; memberships then say on which objects."""

    ADMIN = "admin", "Administrateur"
    INSTRUCTEUR = "instructeur", "Instructeur (conseil régional)"
    CHEF_SERVICE = "chef_service", "Chef de service (conseil régional)"
    LECTEUR = "lecteur", "Élu ou partenaire (lecture seule)"
    SIAE = "siae", "Membre d'une structure"
    DLA = "dla", "Chargé de mission DLA"
    FACILITATEUR = "facilitateur", "Facilitateur des clauses sociales"


# Regional staff: the council's own people, who see every structure of their region.
REGIONAL_STAFF_ROLES = frozenset({Role.INSTRUCTEUR, Role.CHEF_SERVICE, Role.LECTEUR})
# Those who may change what the council records (the read-only level may not).
REGIONAL_WRITER_ROLES = frozenset({Role.INSTRUCTEUR, Role.CHEF_SERVICE})
