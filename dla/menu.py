"""The DLA app's entry of the main menu (``iae_portal.menu``), registered by
``DlaConfig.ready()``."""

from iae_portal import menu

from . import perms


def register():
    menu.mark_namespace("dla", "dla")
    menu.register(
        "dla.list",
        label="DLA",
        url_name="dla:list",
        section="dla",
        order=60,
        show=perms.can_use_dla_pages,
    )
