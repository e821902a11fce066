"""``{% main_menu %}``: the main menu's items (``iae_portal.menu``) for the page's reader."""

from django import template
from django.contrib.auth.models import AnonymousUser

from iae_portal import menu

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None) or AnonymousUser()
    return menu.render(request, user, context.get("nav_section"))
