from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aides.models import BatchKind, Campaign
from aides.models.batches import ACTIVE_BATCH_STATES
from aides.services.batch import (
    BatchAlreadyRunning,
    BatchBusy,
    BatchNotStalled,
    batch_changes,
    batch_resume,
    batch_run,
    batch_start,
    stalled_batches,
)


class Command(BaseCommand):
    help = (
        "Calcule (ou recalcule avec les paramètres en vigueur) tous les montants d'un appel "
        "à candidatures ; avec --resume, reprend ici le traitement interrompu de l'appel."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="UUID ou nom exact de l'appel à candidatures")
        parser.add_argument(
            "--resume",
            action="store_true",
            help="reprendre le traitement en cours de l'appel dont le worker s'est arrêté "
            "(bail expiré), là où il s'était arrêté",
        )

    def handle(self, *args, campaign, resume=False, **options):
        try:
            found = Campaign.objects.select_related("scheme").get(uuid=campaign)
        except (Campaign.DoesNotExist, ValidationError, ValueError):
            found = Campaign.objects.select_related("scheme").filter(name=campaign).first()
        if found is None:
            raise CommandError(f"Appel à candidatures introuvable : {campaign}")
        batch = self._resume(found) if resume else self._start(found)
        if batch.kind == BatchKind.LETTERS:
            self.stdout.write(f"{batch.done} dossiers traités, {batch.errors} erreurs.")
            return
        self.stdout.write(
            f"{batch.done} dossiers calculés avec les paramètres v{batch.version.number}, "
            f"{batch.changed} montants modifiés, {batch.errors} erreurs, "
            f"total {batch.total_amount} €."
        )
        for item in batch_changes(batch):
            line = f"  {item.dossier.reference} {item.dossier.structure.name} : "
            line += item.error or f"{item.old_total} → {item.new_total}"
            self.stdout.write(line)

    def _start(self, campaign):
        try:
            batch = batch_start(actor=None, campaign=campaign, enqueue=False)
        except BatchAlreadyRunning as error:
            message = error.message
            if self._stalled(campaign):
                message += " Son worker s'est arrêté : reprenez-le avec --resume."
            raise CommandError(message) from None
        # Run here, in this process: nothing is queued for a worker.
        return batch_run(batch.pk, in_process=True)

    def _resume(self, campaign):
        stalled = self._stalled(campaign)
        if stalled is None:
            raise self._nothing_to_resume(campaign)
        try:
            batch = batch_resume(actor=None, batch=stalled, enqueue=False)
        except BatchNotStalled:  # a worker claimed it meanwhile
            raise self._nothing_to_resume(campaign) from None
        self.stdout.write(f"Reprise à {batch.done} / {batch.total} dossiers.")
        try:
            # Run here, with the lease the resumption reserved for this process.
            return batch_run(batch.pk, reserved=batch.lease_until, in_process=True)
        except BatchBusy:  # a worker claimed it meanwhile
            raise CommandError("Un worker a repris ce traitement entre-temps.") from None

    def _stalled(self, campaign):
        return stalled_batches().filter(campaign=campaign).order_by("pk").first()

    def _nothing_to_resume(self, campaign):
        active = campaign.batches.filter(state__in=ACTIVE_BATCH_STATES).first()
        if active is None:
            return CommandError("Aucun traitement en cours à reprendre pour cet appel.")
        held = (
            f", bail jusqu'à {timezone.localtime(active.lease_until):%H:%M:%S}"
            if active.lease_until
            else ", en attente d'un worker"
        )
        return CommandError(
            f"Ce traitement n'est pas interrompu ({active.done} / {active.total} dossiers"
            f"{held}) : attendez qu'il se termine, ou que son bail expire."
        )
