# The roles and what they allow are declared in ``roles`` (capabilities); kept here for the
# modules that import them from ``enums``.
from .roles import REGIONAL_STAFF_ROLES, REGIONAL_WRITER_ROLES, Role

__all__ = ["REGIONAL_STAFF_ROLES", "REGIONAL_WRITER_ROLES", "Role"]
