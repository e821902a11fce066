from django.db.models import Case, IntegerField, When

from iae_portal.access import VisibleQuerySet

from .enums import DossierState as S
from .workflow import TERMINAL

# Urgency: first the dossiers awaiting the instruction or the decision (the council acts,
# before a commission), then the decided ones whose payments follow their yearly schedule,
# then the closed ones; within each, the oldest deposit first (first come, first served).
# Oldest deposit alone would open the list on dossiers decided a year ago that wait for
# next year's payment. The states in a fixed order (``TERMINAL`` is a set, whose order
# changes with the process): the same SQL in every process, the expression that
# ``dossier_urgency_idx`` holds, which PostgreSQL then reads in order for a page.
FOLLOW_UP = (S.NOTIFIE, S.EN_PAIEMENT)
URGENCY_RANK = Case(
    When(state__in=FOLLOW_UP, then=1),
    When(state__in=sorted(TERMINAL), then=2),
    default=0,
    output_field=IntegerField(),
)


class DossierQuerySet(VisibleQuerySet):
    """``visible_to(user)``: ``aides.perms.visible_dossiers`` (registered by ``AidesConfig``)."""

    def for_queue(self):
        """What the instruction queue shows: no JSON of data or results."""
        return self.select_related("structure__department", "campaign__scheme", "instructor").defer(
            "data"
        )
