from django.conf import settings

from . import menu


def portal(request):
    # The main menu's entry the page belongs to (``iae_portal.menu``), marked as current.
    section = menu.section_of(getattr(request, "resolver_match", None))
    return {"PORTAL_COUNCIL_NAME": settings.PORTAL_COUNCIL_NAME, "nav_section": section}
