"""The staff upload of a structures CSV: a report first, then writing on confirmation."""

from iae_portal.imports import ImportView

from . import perms
from .forms import StructureImportForm
from .importers import StructuresImport


class StructureImportView(ImportView):
    importer = StructuresImport()
    form_class = StructureImportForm
    option_fields = ("partial",)
    template_name = "structures/structure_import.html"
    session_key = "structures_import"
    success_url = "structures:list"

    def allowed(self, user):
        return perms.can_import_structures(user)


structure_import = StructureImportView.as_view()
