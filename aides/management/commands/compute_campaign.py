from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from aides.models import Campaign
from aides.services.batch import BatchAlreadyRunning, batch_changes, batch_run, batch_start


class Command(BaseCommand):
    help = "Calcule (ou recalcule avec les paramètres en vigueur) tous les montants d'un appel à candidatures."

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="UUID ou nom exact de l'appel à candidatures")

    def handle(self, *args, campaign, **options):
        try:
            found = Campaign.objects.select_related("scheme").get(uuid=campaign)
        except (Campaign.DoesNotExist, ValidationError, ValueError):
            found = Campaign.objects.select_related("scheme").filter(name=campaign).first()
        if found is None:
            raise CommandError(f"Appel à candidatures introuvable : {campaign}")
        try:
            batch = batch_start(actor=None, campaign=found, enqueue=False)
        except BatchAlreadyRunning as error:
            raise CommandError(error.message) from None
        # Run here, in this process: nothing is queued for a worker.
        batch = batch_run(batch.pk)
        self.stdout.write(
            f"{batch.done} dossiers calculés avec les paramètres v{batch.version.number}, "
            f"{batch.changed} montants modifiés, {batch.errors} erreurs, "
            f"total {batch.total_amount} €."
        )
        for item in batch_changes(batch):
            line = f"  {item.dossier.reference} {item.dossier.structure.name} : "
            line += item.error or f"{item.old_total} → {item.new_total}"
            self.stdout.write(line)
