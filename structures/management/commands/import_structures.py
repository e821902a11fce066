from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from structures.importers import apply_structures_import, plan_structures_import


class Command(BaseCommand):
    help = (
        "Importe des structures depuis un fichier CSV (UTF-8, séparateur virgule), "
        "mise à jour par SIRET. Tout ou rien, sauf avec --partial."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV des structures.")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Enregistrer les lignes valides même si d'autres sont en erreur.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Afficher ce que ferait l'import, sans rien enregistrer.",
        )

    def handle(self, *args, file, partial, dry_run, verbosity, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"Fichier introuvable : {path}") from None
        except OSError as exc:
            raise CommandError(f"Impossible de lire le fichier {path} : {exc.strerror}") from None

        plan = plan_structures_import(data)
        for error in plan.errors:
            where = f"{error.field} : " if error.field else ""
            self.stderr.write(f"ligne {error.line} : {where}{error.message}")
        # With --partial, a file of which no row could be read is still a failure.
        rejected = bool(plan.errors) and (not partial or not plan.rows)

        if dry_run or rejected:
            if dry_run and verbosity >= 1:
                self._write_changes(plan)
            self.stdout.write(plan.summary)
            if rejected and partial:
                raise CommandError("Aucune ligne valide, rien n'a été enregistré.")
            if rejected:
                raise CommandError(
                    "Import refusé, rien n'a été enregistré : corrigez les lignes en erreur "
                    "ou relancez avec --partial pour n'importer que les lignes valides."
                )
            self.stdout.write("Simulation (--dry-run) : rien n'a été enregistré.")
            return

        result = apply_structures_import(
            plan, actor=None, partial=partial, reason=f"import {path.name}"
        )
        if verbosity >= 2:
            self._write_changes(result)
        self.stdout.write(self.style.SUCCESS(result.summary))

    def _write_changes(self, plan):
        for change in plan.creates:
            self.stdout.write(f"ligne {change.line} : création {change.siret} ({change.name})")
        for change in plan.updates:
            details = " ; ".join(
                f"{name} : {old!r} → {new!r}" for name, (old, new) in change.changes.items()
            )
            self.stdout.write(f"ligne {change.line} : mise à jour {change.siret} : {details}")
