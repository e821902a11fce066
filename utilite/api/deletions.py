"""Deleted social utility reports in the API's deletions feed: a tombstone keeps the
structure's département and uuid; its audience is the list's (``perms.report_audience``)."""

from iae_portal.api.deletions import register

from .. import perms
from ..models import SocialReport

register(
    SocialReport,
    type="social_report",
    scope=lambda r: {"department": r.structure.department_id, "structure": r.structure.uuid},
    restrict={"department": True, "structure": True},
    audience=perms.report_audience,
)
