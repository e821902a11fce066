from django.conf import settings

# Which entry of the main navigation a page belongs to, by URL name.
NAV_SECTIONS = {
    "home": "home",
    "project_list": "projects",
    "project_detail": "projects",
    "queue": "dossiers",
    "queue_export": "dossiers",
    "campaign_list": "dossiers",
    "campaign_create": "dossiers",
    "campaign_dashboard": "dossiers",
    "campaign_batches": "dossiers",
    "batch_detail": "dossiers",
    "dossier_detail": "dossiers",
    "my_dossiers": "dossiers",
    "dossier_create": "dossiers",
    "dossier_edit": "dossiers",
    "document_replace": "dossiers",
    "simulator": "simulator",
    "notifications": "notifications",
    "login": "login",
    "report_hours": "clauses",
    "journal": "journal",
}
NAMESPACE_SECTIONS = {
    "structures": "structures",
    "aides": "schemes",
    "dla": "dla",
    "clauses": "clauses",
}


def portal(request):
    match = getattr(request, "resolver_match", None)
    section = None
    if match is not None:
        # Apps with a menu entry of their own first: their URL names repeat others'.
        section = (
            NAMESPACE_SECTIONS.get(match.namespace)
            if match.namespace in ("dla", "clauses")
            else NAV_SECTIONS.get(match.url_name) or NAMESPACE_SECTIONS.get(match.namespace)
        )
    return {"PORTAL_COUNCIL_NAME": settings.PORTAL_COUNCIL_NAME, "nav_section": section}
