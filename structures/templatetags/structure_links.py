"""Links to structures in templates: a link only for a reader who may open it."""

from django import template

from structures import perms

register = template.Library()


@register.filter
def viewable_by(structure, user):
    """Whether ``user`` may open ``structure`` (``structures.perms``): pages name the others
    without a link, since their address would answer 404."""
    return perms.can_view_structure(user, structure)
