"""Pages of the applicant (SIAE directors): create, fill in steps, attach, follow."""

urlpatterns = []
