import json
import sys
from decimal import Decimal

from django.core.management.base import BaseCommand

from aides.rules import BadInput
from aides.simulation import SchemeBook


class Command(BaseCommand):
    help = (
        "Simule une aide : lit un cas (ou un tableau de cas) en JSON sur l'entrée standard, "
        "écrit le résultat en JSON sur la sortie standard (contrat de aid-rules.md)."
    )

    def handle(self, *args, **options):
        try:
            data = json.loads(sys.stdin.read(), parse_float=Decimal)
        except json.JSONDecodeError as error:
            self._fail(
                f"input: malformed JSON ({error.msg} at line {error.lineno}, column {error.colno})"
            )
        try:
            output = SchemeBook().simulate_many(data)
        except BadInput as error:
            self._fail(str(error))
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=1))

    def _fail(self, message):
        # One line on standard error naming the field, and a non-zero exit.
        sys.stderr.write(message.replace("\n", " ") + "\n")
        sys.exit(2)
