"""The aides app's entries of the main menu (``iae_portal.menu``), registered by
``AidesConfig.ready()``."""

from django.db.models import Count
from django.utils.html import format_html

from iae_portal import compiled, menu

from . import perms
from .models import Notification

# On every page of those who receive them: its SQL compiled once.
UNREAD = compiled.Statement(
    lambda user_id: (
        Notification.objects.filter(user_id=user_id, read_at__isnull=True)
        .values("user_id")
        .annotate(unread=Count("pk"))
        .values_list("unread", flat=True)
    )
)


def notifications_label(request):
    """« Mes notifications », with the number of unread ones."""
    unread = sum(UNREAD(user_id=request.user.pk))
    if not unread:
        return "Mes notifications"
    return format_html(
        'Mes notifications ({}<span class="sr-only"> non lue{}</span>)',
        unread,
        "s" if unread > 1 else "",
    )


def register():
    menu.mark_namespace("aides", "schemes")
    menu.mark_pages(
        "dossiers",
        *(
            f"aides:{name}"
            for name in (
                "queue_export",
                "campaign_list",
                "campaign_create",
                "campaign_dashboard",
                "campaign_batches",
                "batch_detail",
                "dossier_detail",
                "dossier_create",
                "dossier_edit",
                "document_replace",
                "financing_plan",
            )
        ),
    )
    menu.register(
        "aides.queue",
        label="Dossiers",
        url_name="aides:queue",
        section="dossiers",
        order=40,
        show=perms.can_view_queue,
    )
    menu.register(
        "aides.my_dossiers",
        label="Mes dossiers",
        url_name="aides:my_dossiers",
        section="dossiers",
        order=41,
        show=perms.can_list_own_dossiers,
    )
    menu.mark_pages(
        "opinions", "aides:opinion_request", "aides:opinion_request_list", "aides:opinion_give"
    )
    menu.mark_pages("dossiers", "aides:opinion_request_create")
    menu.register(
        "aides.opinions",
        label="Avis demandés",
        url_name="aides:opinion_request_list",
        section="opinions",
        order=42,
        show=perms.can_list_own_opinion_requests,
    )
    menu.register(
        "aides.schemes",
        label="Dispositifs d'aide",
        url_name="aides:scheme_list",
        section="schemes",
        order=70,
        show=lambda user: True,
    )
    menu.register(
        "aides.simulator",
        label="Simulateur",
        url_name="aides:simulator",
        section="simulator",
        order=80,
        show=lambda user: True,
    )
    menu.register(
        "aides.notifications",
        label=notifications_label,
        url_name="aides:notifications",
        section="notifications",
        order=90,
        show=perms.can_read_notifications,
    )
