import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .. import naf
from .structure import Structure


class StructureActivity(models.Model):
    """An activity a structure declares, as a NAF rév. 2 sous-classe (``structures.naf``):
    what reserved lots and clause lots are matched on. One of them may be the main one
    (the APE code)."""

    # The API's identifier (``/api/v1/structure-activities/``, its deletions feed).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.CASCADE, related_name="activities"
    )
    naf_code = models.CharField("code NAF", max_length=6)
    is_main = models.BooleanField("activité principale", default=False)
    updated_at = models.DateTimeField("modifiée le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "activité déclarée"
        verbose_name_plural = "activités déclarées"
        ordering = ["-is_main", "naf_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "naf_code"], name="structure_activity_unique"
            ),
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(is_main=True),
                name="structure_activity_one_main",
            ),
        ]

    def __str__(self):
        return naf.label(self.naf_code)

    @property
    def label(self):
        activity = naf.get(self.naf_code)
        return activity.label if activity else ""

    def clean(self):
        if naf.get(self.naf_code) is None:
            raise ValidationError({"naf_code": f"Code NAF inconnu : « {self.naf_code} »."})
