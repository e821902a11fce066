"""Pages of the DLA chargés de mission (accompaniments, import, bilan)."""

app_name = "dla"

urlpatterns = []
