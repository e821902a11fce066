"""Pages of regional staff: the instruction queue, bulk actions, campaign dashboards."""

urlpatterns = []
