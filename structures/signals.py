"""A structure's conventions, networks and yearly figures are part of it for the API: a
change to one of them makes the structure changed (``updated_at``), so a partner syncing
with ``updated_since`` gets it again. Bulk writes (imports) set ``updated_at`` themselves."""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import Convention, NetworkAffiliation, Structure, YearlyFigures


def touch_structures(*structure_ids):
    """Mark structures changed now (one UPDATE, no save signals)."""
    Structure.objects.filter(pk__in=structure_ids).update(updated_at=timezone.now())


def _child_changed(sender, instance, **kwargs):
    touch_structures(instance.structure_id)


def connect():
    for model in (Convention, NetworkAffiliation, YearlyFigures):
        post_save.connect(_child_changed, sender=model, dispatch_uid=f"touch-{model.__name__}")
    # Not on a network affiliation's deletion: a receiver would turn the imports' one
    # DELETE per chunk into a query per row, and the code that deletes affiliations
    # (``affiliations_set``, the import) marks the structures itself.
    for model in (Convention, YearlyFigures):
        post_delete.connect(_child_changed, sender=model, dispatch_uid=f"touch-{model.__name__}")
