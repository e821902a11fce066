from django.core.management.base import CommandError

from iae_portal.imports import ImportCommand, count
from structures.importers import StructuresImport


class Command(ImportCommand):
    help = (
        "Importe des structures depuis un fichier CSV (UTF-8, séparateur virgule), "
        "mise à jour par SIRET. Tout ou rien, sauf avec --partial."
    )
    importer = StructuresImport()
    file_help = "Fichier CSV des structures."
    dry_run = True

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Enregistrer les lignes valides même si d'autres sont en erreur.",
        )

    def import_options(self, options):
        return {"partial": options["partial"]}

    def write_changes(self, plan):
        # The plan details its first changes only (``SHOWN`` of each kind), as the page.
        for change in plan.creates:
            self.stdout.write(f"ligne {change.line} : création {change.siret} ({change.name})")
        self.write_others(plan.created - len(plan.creates), "création", "créations")
        for change in plan.updates:
            details = " ; ".join(
                f"{name} : {old!r} → {new!r}" for name, (old, new) in change.changes.items()
            )
            self.stdout.write(f"ligne {change.line} : mise à jour {change.siret} : {details}")
        self.write_others(plan.updated - len(plan.updates), "mise à jour", "mises à jour")

    def write_others(self, number, singular, plural):
        if number > 0:
            self.stdout.write(f"… et {count(number, singular, plural)} de plus")

    def refuse(self, plan, *, partial):
        self.stdout.write(plan.summary)
        if partial:
            raise CommandError("Aucune ligne valide, rien n'a été enregistré.")
        raise CommandError(
            "Import refusé, rien n'a été enregistré : corrigez les lignes en erreur "
            "ou relancez avec --partial pour n'importer que les lignes valides."
        )
