"""What ``import_marches`` and ``import_heures`` share: read the file, import it through
``services.clauses_import`` (which audits what it writes), report, exit 1 on errors."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clauses.services import clauses_import


class ImportCommand(BaseCommand):
    kind = None  # an ImportKind

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV (UTF-8, séparateur virgule, en-tête).")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"Fichier introuvable : {path}") from None
        except OSError as exc:
            raise CommandError(f"Impossible de lire le fichier {path} : {exc.strerror}") from None
        result = clauses_import(actor=None, kind=self.kind, content=data, name=path.name)
        for error in result.errors:
            where = f"{error.field} : " if error.field else ""
            self.stderr.write(f"ligne {error.line} : {where}{error.message}")
        if result.errors:
            self.stdout.write(result.summary)
            raise CommandError(
                "Import refusé, rien n'a été enregistré : corrigez les lignes en erreur."
            )
        self.stdout.write(self.style.SUCCESS(result.summary))
