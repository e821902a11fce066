"""Pages of regional staff: the instruction queue, bulk actions, campaign dashboards."""

from django.urls import path, re_path

from .views import staff

urlpatterns = [
    path("instruction/", staff.queue, name="queue"),
    re_path(
        r"^instruction/export\.(?P<fmt>csv|xlsx)$",
        staff.queue_export,
        name="queue_export",
    ),
    path("campagnes/", staff.campaign_list, name="campaign_list"),
    path("campagnes/nouvelle/", staff.campaign_create, name="campaign_create"),
    path("campagnes/<uuid:uuid>/", staff.campaign_dashboard, name="campaign_dashboard"),
]
