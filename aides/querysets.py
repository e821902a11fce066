from iae_portal.access import VisibleQuerySet


class DossierQuerySet(VisibleQuerySet):
    """``visible_to(user)``: ``aides.perms.visible_dossiers`` (registered by ``AidesConfig``)."""

    def for_queue(self):
        """What the instruction queue shows: no JSON of data or results."""
        return self.select_related("structure__department", "campaign__scheme", "instructor").defer(
            "data"
        )
