from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dla.importer import apply_dla_import, plan_dla_import
from iae_portal.users.models import User


class Command(BaseCommand):
    help = (
        "Importe les prestations DLA depuis un fichier CSV (UTF-8, séparateur virgule, une "
        "ligne par prestation et structure bénéficiaire). Tout ou rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV des prestations DLA.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Afficher ce que ferait l'import, sans rien enregistrer.",
        )
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="Compte à qui attribuer l'import dans le journal (par défaut : « système »).",
        )

    def handle(self, *args, file, dry_run, user=None, **options):
        actor = None
        if user:
            actor = User.objects.filter(email__iexact=user).first()
            if actor is None:
                raise CommandError(f"Aucun compte n'a l'adresse {user}.")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Impossible de lire le fichier {path} : {exc.strerror}") from None
        plan = plan_dla_import(data)
        for error in plan.errors:
            where = f"{error.field} : " if error.field else ""
            self.stderr.write(f"ligne {error.line} : {where}{error.message}")
        if plan.errors:
            lines = len({error.line for error in plan.errors})
            raise CommandError(
                f"Import refusé, rien n'a été enregistré : {lines} ligne(s) en erreur."
            )
        if dry_run:
            self.stdout.write(plan.summary)
            self.stdout.write("Simulation (--dry-run) : rien n'a été enregistré.")
            return
        applied = apply_dla_import(plan, actor=actor, file_name=path.name)
        self.stdout.write(self.style.SUCCESS(applied.summary))
