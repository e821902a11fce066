from django.core.management.base import BaseCommand, CommandError

from structures.models import Department
from utilite.bilan import utilite_sociale_bilan, write


class Command(BaseCommand):
    help = (
        "Bilan annuel d'utilité sociale : bilans attendus, manquants, statistiques par groupe "
        "(région ou département × type de SIAE) des bilans validés. --format json : l'objet "
        "du bilan ; --format csv : une ligne par groupe et indicateur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année du bilan.")
        parser.add_argument(
            "--department", help="Code du département (par défaut : toute la région)."
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, year, department, format, **options):
        if not 1000 <= year <= 9999:
            raise CommandError(f"Année invalide : {year}.")
        if department is not None:
            department = department.strip().upper()
            if not Department.objects.filter(code=department).exists():
                raise CommandError(f"Département inconnu : « {department} ».")
        write(self.stdout, utilite_sociale_bilan(year, department), format)
