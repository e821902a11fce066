"""Pages of the clause officers and facilitators (contracts, lots, hours, imports, bilan)."""

app_name = "clauses"

urlpatterns = []
