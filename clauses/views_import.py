"""The staff upload of a marchés or heures CSV: a report first (a rolled-back run of the
importer), then writing on confirmation."""

from iae_portal.imports import ImportView

from . import perms
from .forms import ImportForm
from .services import ClausesImport


class ClausesImportView(ImportView):
    importer = ClausesImport()
    form_class = ImportForm
    option_fields = ("kind",)
    template_name = "clauses/import.html"
    session_key = "clauses_import"
    success_url = "clauses:list"

    def allowed(self, user):
        return perms.can_import(user)


clauses_import = ClausesImportView.as_view()
