from django.core.management.base import BaseCommand

from structures.models import Department, Region
from structures.reference import load_territories


class Command(BaseCommand):
    help = "Charge (ou met à jour) les 18 régions et les 101 départements."

    def handle(self, *args, **options):
        load_territories(Region, Department)
        self.stdout.write(
            f"Référentiel : {Region.objects.count()} régions, "
            f"{Department.objects.count()} départements."
        )
