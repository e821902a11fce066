from django.core.management.base import CommandError

from dla.importer import DlaImport
from iae_portal.imports import ImportCommand, count
from iae_portal.users.models import User


class Command(ImportCommand):
    help = (
        "Importe les prestations DLA depuis un fichier CSV (UTF-8, séparateur virgule, une "
        "ligne par prestation et structure bénéficiaire). Tout ou rien."
    )
    importer = DlaImport()
    file_help = "Fichier CSV des prestations DLA."
    dry_run = True

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="Compte à qui attribuer l'import dans le journal (par défaut : « système »).",
        )

    def actor(self, options):
        email = options.get("user")
        if not email:
            return None
        actor = User.objects.filter(email__iexact=email).first()
        if actor is None:
            raise CommandError(f"Aucun compte n'a l'adresse {email}.")
        return actor

    def refuse(self, plan):
        raise CommandError(
            f"Import refusé, rien n'a été enregistré : {count(plan.error_line_count)} ligne(s) en erreur."
        )
