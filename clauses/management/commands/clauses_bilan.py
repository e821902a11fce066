from django.core.management.base import BaseCommand

from clauses.bilan import clauses_bilan
from iae_portal.bilans import write_bilan


class Command(BaseCommand):
    help = (
        "Bilan annuel des clauses sociales (marchés notifiés dans l'année). "
        "--format json : le bilan complet (défaut) ; --format csv : une liste plate "
        "« key,value », une ligne par chiffre, clés pointées (by_type.travaux.marches)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année de notification.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, year, format, **options):
        write_bilan(self.stdout, clauses_bilan(year), format)
