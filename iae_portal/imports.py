"""The CSV import pipeline the apps share, for the staff upload pages and the commands alike.

An import reads a UTF-8 CSV file whose header names its columns (``read_records``: lines are
numbered as a spreadsheet shows them, the header being line 1), plans what it would write,
each refused line reported with its number and a French reason (``RowError``), shows that
report, and once confirmed applies the file all-or-nothing in one transaction with its audit
entries. An app declares an ``Importer`` (how to plan and how to apply its files, with its
row reader and its audit); ``ImportView`` is then its upload page (the report first, writing
on confirmation) and ``ImportCommand`` the base of its management command.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.shortcuts import redirect, render
from django.views import View

from . import pending_uploads

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- Reading ----------------------------------------------------------------------------------


@dataclass
class RowError:
    """Why line ``line`` of a file is refused (``field``: the column, ``None`` for the line)."""

    line: int
    field: str | None
    message: str


def decode(source):
    """``(text, None)``, or ``(None, error)`` when bytes are not UTF-8 (a BOM is accepted)
    or hold a NUL byte; ``source`` is a ``str``, ``bytes`` or a file object."""
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes | bytearray):
        try:
            source = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = source.count(b"\n", 0, exc.start) + 1
            return None, RowError(
                line,
                None,
                f"Le fichier n'est pas encodé en UTF-8 (premier caractère illisible ligne {line}) : "
                "enregistrez-le au format « CSV UTF-8 » puis recommencez.",
            )
    if "\x00" in source:
        # No column stores it (PostgreSQL refuses it): a binary file, or a broken export.
        line = source.count("\n", 0, source.index("\x00")) + 1
        return None, RowError(
            line,
            None,
            f"Le fichier contient un caractère nul (ligne {line}) : ce n'est pas un fichier "
            "CSV texte. Enregistrez-le au format « CSV UTF-8 » puis recommencez.",
        )
    return source.removeprefix("\ufeff"), None


def read_header(reader, required):
    """``(column names, lower-cased, None)`` from a ``csv.reader``'s first line, or
    ``(None, RowError)`` when the file is empty, unreadable or lacks a ``required`` column."""
    try:
        header = next(reader)
    except StopIteration:
        return None, RowError(1, None, "Le fichier est vide.")
    except csv.Error as exc:
        return None, RowError(1, None, f"En-tête illisible : {exc}.")
    columns = [name.strip().lower() for name in header]
    missing = [name for name in required if name not in columns]
    if not missing:
        return columns, None
    label = (
        "Colonne obligatoire manquante" if len(missing) == 1 else "Colonnes obligatoires manquantes"
    )
    message = f"{label} : {', '.join(missing)}."
    if len(header) == 1 and ";" in header[0]:
        message += " Le séparateur de colonnes attendu est la virgule."
    return None, RowError(1, None, message)


def numbered_records(reader, errors):
    """``(line, record)`` for each record of a ``csv.reader`` past its header, ``line``
    being the physical line where the record starts (a quoted value may span several);
    blank records are skipped; an unreadable line adds a ``RowError`` and ends the file."""
    next_line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(RowError(next_line, None, f"Ligne illisible : {exc}."))
            return
        line, next_line = next_line, reader.line_num + 1
        if any(value.strip() for value in record):
            yield line, record


def read_records(source, required):
    """``(records, errors)`` of a CSV file (``str``, UTF-8 ``bytes`` or a file object) whose
    header names every ``required`` column.

    ``records`` holds ``(line, values)`` for each non-blank line, ``values`` mapping every
    column of the header (its first occurrence) to its stripped value, ``""`` past the end of
    a short line. ``errors`` holds what makes the file or a line unreadable: not UTF-8, empty,
    a missing column (then nothing is read), a line with more values than columns (left out:
    its values cannot be told apart), a broken quote (the rest of the file is not read)."""
    text, error = decode(source)
    if error is not None:
        return [], [error]
    reader = csv.reader(io.StringIO(text, newline=""))
    header, error = read_header(reader, required)
    if error is not None:
        return [], [error]
    positions = {}
    for position, name in enumerate(header):
        positions.setdefault(name, position)
    width = len(header)
    records, errors = [], []
    for line, record in numbered_records(reader, errors):
        if any(value.strip() for value in record[width:]):
            errors.append(
                RowError(
                    line, None, f"La ligne compte {len(record)} valeurs pour {width} colonnes."
                )
            )
            continue
        values = {
            name: record[position].strip() if position < len(record) else ""
            for name, position in positions.items()
        }
        records.append((line, values))
    return records, errors


def parse_date(value):
    """``(date, None)`` for a date written AAAA-MM-JJ, else ``(None, the French reason)``."""
    try:
        if ISO_DATE.fullmatch(value):
            return datetime.date.fromisoformat(value), None
    except ValueError:
        pass
    return None, f"Date invalide : « {value} » (format attendu AAAA-MM-JJ)."


# -- Plan and apply ---------------------------------------------------------------------------


class ImportPlan:
    """What the pipeline reads of an app's plan or result: ``errors`` (``RowError``),
    ``summary`` (a French sentence) and ``has_changes`` (whether applying it writes)."""

    @property
    def is_valid(self):
        return not self.errors

    @property
    def error_line_count(self):
        return len({error.line for error in self.errors})


class ImportRejected(Exception):
    """The file has errors and the import is all-or-nothing: nothing was written."""

    def __init__(self, plan, message="Import refusé, rien n'a été enregistré."):
        self.plan = plan
        super().__init__(message)


class Importer:
    """One kind of file an app imports. ``options`` are the import's own choices (a partial
    import, the kind of file), given alike by the upload form and the command; ``user`` is
    the person at the upload page, whose rights may refuse lines (``None`` from a command)."""

    def plan(self, content, *, user=None, **options):
        """What importing ``content`` (bytes) would do: an ``ImportPlan``; writes nothing."""
        raise NotImplementedError

    def refuses(self, plan, **options):
        """Whether ``plan`` may not be applied with these ``options``."""
        return bool(plan.errors)

    def apply(self, content, *, actor, name, user=None, **options):
        """Import ``content``, a file named ``name``, in one transaction with its audit
        entries naming ``actor`` (``None``: the system). Returns what was done (an
        ``ImportPlan``); raises ``ImportRejected`` with the plan when ``refuses`` it."""
        raise NotImplementedError


# -- The upload page --------------------------------------------------------------------------


class ImportView(View):
    """The staff upload page of an import: the file is planned and its report shown with a
    confirmation button; the confirmation imports the file kept in the session meanwhile,
    planned again (the database may have changed since the report)."""

    importer = None  # an Importer
    form_class = None  # ``file`` and the import's options
    option_fields = ()  # the form fields given to the importer, kept with the file
    template_name = None  # extends "imports/import.html"
    session_key = None
    success_url = None  # where a done import leads (its list)

    @classmethod
    def as_view(cls, **initkwargs):
        return login_required(super().as_view(**initkwargs))

    def allowed(self, user):
        """Whether ``user`` may import: the app's ``perms``."""
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render(form=self.form_class())

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request)
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form)
        upload = form.cleaned_data["file"]
        content = upload.read()
        options = {name: form.cleaned_data[name] for name in self.option_fields}
        plan = self.importer.plan(content, user=request.user, **options)
        token = pending_uploads.stash(
            request, self.session_key, name=upload.name, content=content, **options
        )
        return self.render(form=form, plan=plan, token=token, **options)

    def confirm(self, request):
        pending = pending_uploads.pending(request, self.session_key)
        if pending is None:
            messages.error(request, pending_uploads.EXPIRED)
            return redirect(request.path)
        try:
            result = self.importer.apply(
                pending["content"],
                actor=request.user,
                name=pending["name"],
                user=request.user,
                **{name: pending[name] for name in self.option_fields},
            )
        except ImportRejected as rejected:
            messages.error(request, "Le fichier contient des erreurs : rien n'a été enregistré.")
            return self.render(form=self.form_class(), plan=rejected.plan)
        pending_uploads.forget(request, self.session_key)
        messages.success(request, f"Import terminé : {result.summary}.")
        return redirect(self.success_url)

    def render(self, **context):
        return render(self.request, self.template_name, context)


# -- The command ------------------------------------------------------------------------------


class ImportCommand(BaseCommand):
    """``manage.py <command> FILE``: the lines in error go to stderr (``ligne N : colonne :
    motif``), the summary to stdout; a refused import writes nothing and exits with 1."""

    importer = None  # an Importer
    file_help = "Fichier CSV (UTF-8, séparateur virgule, en-tête)."
    dry_run = False  # whether the command offers --dry-run
    refusal = "Import refusé, rien n'a été enregistré : corrigez les lignes en erreur."

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        if self.dry_run:
            parser.add_argument(
                "--dry-run",
                action="store_true",
                help="Afficher ce que ferait l'import, sans rien enregistrer.",
            )

    def import_options(self, options):
        """The importer's options, from the command's."""
        return {}

    def actor(self, options):
        """Who the audit entries name: the system unless the command says."""
        return None

    def handle(self, *args, file, verbosity, dry_run=False, **options):
        actor = self.actor(options)
        path = Path(file)
        content = read_file(path)
        options = self.import_options(options)
        if dry_run:
            plan = self.importer.plan(content, **options)
            self.write_errors(plan.errors)
            if verbosity >= 1:
                self.write_changes(plan)
            if self.importer.refuses(plan, **options):
                self.refuse(plan, **options)
            self.stdout.write(plan.summary)
            self.stdout.write("Simulation (--dry-run) : rien n'a été enregistré.")
            return
        try:
            result = self.importer.apply(content, actor=actor, name=path.name, **options)
        except ImportRejected as rejected:
            self.write_errors(rejected.plan.errors)
            self.refuse(rejected.plan, **options)
        self.write_errors(result.errors)  # the lines a partial import left out
        if verbosity >= 2:
            self.write_changes(result)
        self.stdout.write(self.style.SUCCESS(result.summary))

    def write_errors(self, errors):
        for error in errors:
            where = f"{error.field} : " if error.field else ""
            self.stderr.write(f"ligne {error.line} : {where}{error.message}")

    def write_changes(self, plan):
        """The detail of a plan, with --dry-run or -v 2 (nothing unless the command says)."""

    def refuse(self, plan, **options):
        """Say that nothing was written, and why: exits with 1."""
        self.stdout.write(plan.summary)
        raise CommandError(self.refusal)


def read_file(path):
    """The bytes of the file at ``path``, or the French ``CommandError`` saying why not."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"Fichier introuvable : {path}") from None
    except OSError as exc:
        raise CommandError(f"Impossible de lire le fichier {path} : {exc.strerror}") from None
