"""``manage.py cdiae_report --department 57 --year 2026 --format pdf``: the CDIAE report
(``iae_portal.cdiae``), the same as the page prepares (docs/cdiae.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from iae_portal.cdiae import registry
from iae_portal.cdiae.forms import YEAR_MAX, YEAR_MIN
from iae_portal.cdiae.report import FORMATS, build_report, content, filename


class Command(BaseCommand):
    help = (
        "Rapport pour le CDIAE d'un département (--department 57) ou de toute une région "
        "(--region 44), pour une année. --format json (défaut) : l'objet documenté dans "
        "docs/cdiae.md, sur la sortie standard ; --format xlsx (une feuille par tableau) ou "
        "pdf : dans le fichier --output, par défaut rapport-cdiae-<territoire>-<année>.<format> "
        "dans le dossier courant."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--department", help="Code INSEE du département (57, 2A, 971…).")
        where.add_argument("--region", help="Code INSEE de la région (44 pour le Grand Est…).")
        parser.add_argument("--year", type=int, required=True, help="Année du rapport.")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument(
            "--output",
            help="Fichier à écrire (« - » : la sortie standard, le défaut en JSON).",
        )

    def handle(self, *args, department, region, year, format, output, **options):
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise CommandError(f"L'année doit être comprise entre {YEAR_MIN} et {YEAR_MAX}.")
        kind, code = ("department", department) if department else ("region", region)
        scope = registry.resolve_scope(kind, code.strip())
        if scope is None:
            what = "Département inconnu" if kind == "department" else "Région inconnue"
            raise CommandError(f"{what} : « {code} ».")
        if output == "-" and format != "json":
            raise CommandError(
                "Un rapport PDF ou Excel s'écrit dans un fichier : --output FICHIER."
            )
        report = build_report(scope, year)
        data = content(report, format)
        if output is None:
            output = "-" if format == "json" else filename(report, year, format)
        if output == "-":
            self.stdout.write(data.decode("utf-8"))
            return
        Path(output).write_bytes(data)
        self.stderr.write(f"Rapport écrit dans {output}")
