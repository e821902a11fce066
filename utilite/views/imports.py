"""The staff upload of a networks' CSV of yearly reports (``import_utilite_sociale``'s file):
a report first, then writing on confirmation, through ``iae_portal.imports.ImportView``.
The lines of structures outside the uploader's territory are refused (``UtiliteImport``)."""

from iae_portal.imports import ImportView

from .. import perms
from ..forms import ReportImportForm
from ..importer import UtiliteImport
from ..indicators import INDICATOR_CODES


class ReportImportView(ImportView):
    importer = UtiliteImport()
    form_class = ReportImportForm
    template_name = "utilite/import.html"
    session_key = "utilite_import"
    success_url = "utilite:import"

    def allowed(self, user):
        return perms.can_import_reports(user)

    def render(self, **context):
        return super().render(indicator_columns=", ".join(INDICATOR_CODES), **context)


report_import = ReportImportView.as_view()
