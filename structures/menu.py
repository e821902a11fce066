"""The structures app's entries of the main menu (``iae_portal.menu``), registered by
``StructuresConfig.ready()``."""

from iae_portal import menu

from . import perms


def register():
    menu.mark_namespace("structures", "structures")
    menu.mark_pages("projects", "structures:project_detail")
    menu.register(
        "structures.list",
        label="Structures",
        url_name="structures:list",
        section="structures",
        order=20,
        show=perms.can_list_structures,
    )
    menu.register(
        "structures.projects",
        label="Projets collectifs",
        url_name="structures:project_list",
        section="projects",
        order=30,
        show=perms.can_list_structures,
    )
