"""The upload of a DLA prestations CSV: a report first, then writing on confirmation."""

from iae_portal.imports import ImportView

from . import perms
from .forms import DlaImportForm
from .importer import DlaImport


class DlaImportView(ImportView):
    importer = DlaImport()
    form_class = DlaImportForm
    template_name = "dla/import.html"
    session_key = "dla_import"
    success_url = "dla:list"

    def allowed(self, user):
        return perms.can_import(user)


dla_import = DlaImportView.as_view()
