import csv
import json

from django.core.management.base import BaseCommand

from dla.bilan import dla_bilan, flatten


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
        bilan = dla_bilan(year, departments=departments)
        if format == "json":
            self.stdout.write(json.dumps(bilan, indent=1, ensure_ascii=False))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["key", "value"])
        writer.writerows(flatten(bilan))
