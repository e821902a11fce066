"""A structure's conventions, networks and yearly figures are part of it for the API, and
its département's region: a change to one of them makes the structure changed
(``updated_at``), so a partner syncing with ``updated_since`` gets it again, and its stored
JSON is written again (``structures.api.stored``). Bulk writes (imports) set
``updated_at`` themselves."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from .models import Convention, Department, NetworkAffiliation, Structure, YearlyFigures


def touch_structures(*structure_ids):
    """Mark structures changed now (one UPDATE, no save signals)."""
    Structure.objects.filter(pk__in=structure_ids).update(updated_at=timezone.now())


def _child_changed(sender, instance, **kwargs):
    touch_structures(instance.structure_id)


def _department_saving(sender, instance, raw=False, **kwargs):
    instance._region_before = (
        None
        if raw or instance._state.adding
        else Department.objects.filter(pk=instance.pk).values_list("region_id", flat=True).first()
    )


def _department_saved(sender, instance, created=False, raw=False, **kwargs):
    """A département moved to another region (the reference corrected): its structures'
    region changed, for ``updated_since`` and the API's stored JSON alike."""
    before = getattr(instance, "_region_before", None)
    if not created and before is not None and before != instance.region_id:
        Structure.objects.filter(department_id=instance.pk).update(updated_at=timezone.now())


def connect():
    pre_save.connect(_department_saving, sender=Department, dispatch_uid="department-region")
    post_save.connect(_department_saved, sender=Department, dispatch_uid="department-region")
    for model in (Convention, NetworkAffiliation, YearlyFigures):
        post_save.connect(_child_changed, sender=model, dispatch_uid=f"touch-{model.__name__}")
    # Not on a network affiliation's deletion: a receiver would turn the imports' one
    # DELETE per chunk into a query per row, and the code that deletes affiliations
    # (``affiliations_set``, the import) marks the structures itself.
    for model in (Convention, YearlyFigures):
        post_delete.connect(_child_changed, sender=model, dispatch_uid=f"touch-{model.__name__}")
