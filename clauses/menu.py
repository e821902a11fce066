"""The clauses app's entry of the main menu (``iae_portal.menu``), registered by
``ClausesConfig.ready()``."""

from iae_portal import menu

from . import perms


def register():
    menu.mark_namespace("clauses", "clauses")
    menu.register(
        "clauses.list",
        label="Marchés clausés",
        url_name="clauses:list",
        section="clauses",
        order=50,
        show=perms.can_list_marches,
    )
    menu.register(
        "clauses.offers",
        label="Marchés à saisir",
        url_name="clauses:offers",
        section="clauses",
        order=51,
        show=perms.can_list_offers,
    )
