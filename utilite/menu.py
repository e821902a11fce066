"""The « Utilité sociale » entry of the main menu (``iae_portal.menu``), registered by
``UtiliteConfig.ready()``: members reach their structures' reports, staff the statistics."""

from django.urls import NoReverseMatch, reverse

from iae_portal import menu

from . import perms

LABEL = "Utilité sociale"
STATISTICS = "utilite:statistics"


def _statistics_exist():
    try:
        reverse(STATISTICS)
    except NoReverseMatch:
        return False
    return True


def _shows_statistics(user):
    """Staff (and administrators) who read reports: the statistics page, once it exists."""
    return (
        perms.can_view_group_statistics(user)
        and not perms.can_list_own_reports(user)
        and _statistics_exist()
    )


def register():
    menu.mark_namespace("utilite", "utilite")
    menu.register(
        "utilite.reports",
        label=LABEL,
        url_name="utilite:my_reports",
        section="utilite",
        order=62,
        show=perms.can_list_own_reports,
    )
    menu.register(
        "utilite.statistics",
        label=LABEL,
        url_name=STATISTICS,
        section="utilite",
        order=62,
        show=_shows_statistics,
    )
