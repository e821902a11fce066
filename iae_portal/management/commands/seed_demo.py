import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from iae_portal import demo
from iae_portal.users import demo as users_demo

SEED = 2026


class Command(BaseCommand):
    help = (
        "Crée les données de démonstration : les structures d'une région Grand Est crédible, "
        "un compte par rôle, des appels à candidatures et des dossiers d'aide à tous les "
        "stades. Ne fait rien si elles sont déjà là, sauf avec --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--structures",
            type=int,
            default=300,
            help="Nombre de structures à créer (300 par défaut), et environ autant de dossiers.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Supprimer tous les dossiers d'aide et appels à candidatures, toutes les "
            "structures, les projets collectifs et les comptes de démonstration, puis tout recréer.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Autoriser --reset hors mode DEBUG.",
        )

    def handle(self, *args, structures, reset, force, **options):
        if structures < 2:
            raise CommandError(
                "Il faut au moins 2 structures (le directeur dirige un ACI et une AI)."
            )
        if reset and not settings.DEBUG and not force:
            raise CommandError(
                "--reset supprime toutes les structures : refusé hors mode DEBUG, "
                "ajoutez --force si c'est bien voulu."
            )
        with transaction.atomic():
            if reset:
                # Dependents first (iae_portal.demo: each app's reset_order), the accounts
                # last: every app's demo data may hang on them.
                for step in demo.reset_steps():
                    step.reset()
                users_demo.reset()
            elif users_demo.demo_users_exist():
                self.stdout.write("Données de démonstration déjà présentes.")
                self._write_logins()
                return
            # The accounts first: each app's step gives them their place in it.
            users = users_demo.seed()
            run = demo.DemoRun(rng=random.Random(SEED), size=structures, today=timezone.localdate())
            lines = [line for step in demo.steps() for line in step.seed(run) or ()]
        for line in lines:
            self.stdout.write(f"- {line}")
        self.stdout.write(f"- Comptes de démonstration : {len(users)}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration créées."))
        self._write_logins()

    def _write_logins(self):
        header = ("E-mail", "Rôle", "Mot de passe", "Ce qu'il voit")
        rows = users_demo.logins()
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
        self.stdout.write("")
        self.stdout.write("Comptes de démonstration :")
        rule = ["-" * width for width in [*widths, len(header[3])]]
        for row in [header, rule, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]).rstrip())
