from iae_portal.imports import ImportCommand
from utilite.importer import UtiliteImport


class Command(ImportCommand):
    help = (
        "Importe des bilans d'utilité sociale depuis un fichier CSV (UTF-8, séparateur virgule, "
        "en-tête ; une ligne par structure et année : siret, year, les indicateurs, puis la "
        "grille d'autodiagnostic, vide sans grille). Chaque bilan est enregistré comme soumis. "
        "Tout ou rien."
    )
    importer = UtiliteImport()
    file_help = "Fichier CSV des bilans d'utilité sociale."
    dry_run = True

    def write_changes(self, plan):
        for warning in plan.warnings:
            where = f"{warning.field} : " if warning.field else ""
            self.stdout.write(f"ligne {warning.line} : {where}{warning.message}")
