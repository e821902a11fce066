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
    menu.register(
        "clauses.programme",
        label="Programmation des achats",
        url_name="clauses:programme",
        section="clauses_programme",
        order=52,
        show=perms.can_list_purchases,
    )
    menu.mark_pages(
        "clauses_programme",
        "clauses:programme_export",
        "clauses:purchase_create",
        "clauses:purchase_detail",
        "clauses:purchase_edit",
        "clauses:purchase_notify",
    )
    menu.register(
        "clauses.agreements",
        label="Conventions de partenariat",
        url_name="clauses:agreements",
        section="clauses_agreements",
        order=53,
        show=perms.can_list_agreements,
    )
    menu.mark_pages(
        "clauses_agreements",
        "clauses:agreement_add",
        "clauses:agreement",
        "clauses:agreement_edit",
        "clauses:agreement_review",
    )
