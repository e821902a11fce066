import csv
import json

from django.core.management.base import BaseCommand

from clauses.bilan import clauses_bilan, flatten


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
        bilan = clauses_bilan(year)
        if format == "json":
            self.stdout.write(json.dumps(bilan, indent=1, ensure_ascii=False))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["key", "value"])
        writer.writerows(flatten(bilan))
