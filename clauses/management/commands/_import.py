"""What ``import_marches`` and ``import_heures`` share: their file goes through
``services.clauses_import``, which audits what it writes."""

from clauses.services import ClausesImport
from iae_portal.imports import ImportCommand


class ClausesImportCommand(ImportCommand):
    importer = ClausesImport()
    kind = None  # an ImportKind

    def import_options(self, options):
        return {"kind": self.kind}
