from django.db import models

from .structure import Structure


class StructureRepresentation(models.Model):
    """A structure as the API writes it on a sync's pages (``structures.api.stored``): its
    JSON, kept with what tells whether it still holds. ``updated_at`` is the structure's
    when it was written (any change to the structure or its conventions, networks and
    figures moves the structure's: the same rule as the API's ``updated_since``);
    ``valid_until`` the first day a convention's ``active`` changes (none: never);
    ``version`` the format and time zone it was written in (``stored.version()``)."""

    structure = models.OneToOneField(
        Structure, on_delete=models.CASCADE, primary_key=True, related_name="representation"
    )
    updated_at = models.DateTimeField()
    valid_until = models.DateField(null=True)
    version = models.CharField(max_length=64)
    body = models.TextField()

    def __str__(self):
        return f"{self.structure_id} ({self.updated_at:%Y-%m-%d %H:%M})"
