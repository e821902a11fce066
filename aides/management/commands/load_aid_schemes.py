from django.core.management.base import BaseCommand

from aides.models import AidScheme
from aides.services import presets_load


class Command(BaseCommand):
    help = (
        "Crée les dispositifs prédéfinis manquants (aid-rules.md) avec leurs paramètres ; "
        "ne modifie jamais les paramètres d'un dispositif existant."
    )

    def handle(self, *args, **options):
        created = presets_load()
        self.stdout.write(f"Dispositifs d'aide : {AidScheme.objects.count()} ({created} créés).")
