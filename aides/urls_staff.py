"""Pages of regional staff: the instruction queue, bulk actions, campaign dashboards."""

from django.urls import path, re_path

from . import views_staff

urlpatterns = [
    path("instruction/", views_staff.queue, name="queue"),
    re_path(
        r"^instruction/export\.(?P<fmt>csv|xlsx)$",
        views_staff.queue_export,
        name="queue_export",
    ),
    path("campagnes/", views_staff.campaign_list, name="campaign_list"),
    path("campagnes/nouvelle/", views_staff.campaign_create, name="campaign_create"),
    path("campagnes/<uuid:uuid>/", views_staff.campaign_dashboard, name="campaign_dashboard"),
]
