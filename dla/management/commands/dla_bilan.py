from django.core.management.base import BaseCommand

from dla.bilan import dla_bilan
from iae_portal.bilans import write_bilan


class Command(BaseCommand):
    help = (
        "Bilan annuel SIAE des DLA (prestations commencées dans l'année). --format json : "
        "l'objet du bilan ; --format csv : une liste plate « key,value » aux clés pointées "
        "(ex. themes.individuelle.strategie_consolidation,0.32)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année du bilan.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--department",
            action="append",
            dest="departments",
            help="Restreindre au DLA de ce département (répétable).",
        )

    def handle(self, *args, year, format, departments, **options):
        write_bilan(self.stdout, dla_bilan(year, departments=departments), format)
