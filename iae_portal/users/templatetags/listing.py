"""Template filters of the list pages (the core's: ``iae_portal`` is not an app, its
always-installed ``users`` app carries them)."""

from django import template

from iae_portal.filtering import active_filters as _active_filters

register = template.Library()


@register.filter
def active_filters(filterset):
    """``{% with active=filter|active_filters %}``: see ``iae_portal.filtering``."""
    return _active_filters(filterset)
