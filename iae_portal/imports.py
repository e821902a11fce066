"""The CSV import pipeline the apps share, for the staff upload pages and the commands alike.

An import reads a UTF-8 CSV file whose header names its columns (``read_records``: lines are
numbered as a spreadsheet shows them, the header being line 1), plans what it would write,
each refused line reported with its number and a French reason (``RowError``), shows that
report, and once confirmed applies the file all-or-nothing in one transaction with its audit
entries. An app declares an ``Importer`` (how to plan and how to apply its files, with its
row reader and its audit); ``ImportView`` is then its upload page (the report first, writing
on confirmation) and ``ImportCommand`` the base of its management command.
"""

import codecs
import contextvars
import csv
import dataclasses
import datetime
import io
import itertools
import re
import secrets
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.module_loading import import_string
from django.views import View

from . import fastjson, pending_uploads
from .bulk import bulk_inserter
from .prepared import kinds
from .prepared.models import PreparedFile, PreparedState
from .prepared.services import Refused, prepare

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
    records, errors = iter_records(source, required)
    return list(records), errors


def iter_records(source, required):
    """``read_records`` as ``(an iterator of the records, errors)``: the records are read as
    the iterator is consumed (a 50,000-line file is never held as 50,000 dicts), and the
    errors of a line are added to ``errors`` as it is read; the file's own errors (not
    UTF-8, empty, a missing column) are there at once. Reports its progress in the file
    (``reporting``)."""
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes | bytearray):
        stream, error = _byte_stream(bytes(source))
    else:
        text, error = decode(source)
        stream = None if error else io.StringIO(text, newline="")
    if error is not None:
        return iter(()), [error]
    progress = _Progress(stream)  # measures the file before the header is read
    reader = csv.reader(stream)
    header, error = read_header(reader, required)
    if error is not None:
        return iter(()), [error]
    errors = []
    return _records(reader, header, errors, progress), errors


def _byte_stream(content):
    """A text stream over UTF-8 ``content``, once checked as ``decode`` does; the text is
    decoded as it is read rather than held whole (with ``io.StringIO``'s own copy, four
    bytes a character when one is not Latin-1)."""
    if b"\x00" not in content:
        try:
            # Checked in slices: a whole decoded copy is what this avoids.
            decoder = codecs.getincrementaldecoder("utf-8")()
            for start in range(0, len(content), 1 << 20):
                decoder.decode(
                    content[start : start + (1 << 20)], final=start + (1 << 20) >= len(content)
                )
        except UnicodeDecodeError:
            pass
        else:
            return io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline=""), None
    return None, decode(content)[1]


def _records(reader, header, errors, progress):
    positions = {}
    for position, name in enumerate(header):
        positions.setdefault(name, position)
    width = len(header)
    for count, (line, record) in enumerate(numbered_records(reader, errors), start=1):
        if count % 1000 == 0:
            progress.report()
        if any(value.strip() for value in record[width:]):
            errors.append(
                RowError(
                    line, None, f"La ligne compte {len(record)} valeurs pour {width} colonnes."
                )
            )
            continue
        yield (
            line,
            {
                name: record[position].strip() if position < len(record) else ""
                for name, position in positions.items()
            },
        )
    progress.report(done=True)


# -- Progress ---------------------------------------------------------------------------------

# ``progress(done, total)`` of the task running an import (``ImportView``'s background
# path), ``None`` otherwise: reading the file reports how far it got in it.
_reporter = contextvars.ContextVar("import_progress", default=None)
READING_SHARE = 60  # percent of the progress bar taken by reading and checking the lines


@contextmanager
def reporting(progress):
    """Within the block, an import reports its progress to ``progress(done, total)``: the
    share of the file read, up to ``READING_SHARE`` percent; the task's end is the rest."""
    token = _reporter.set(progress)
    try:
        yield
    finally:
        _reporter.reset(token)


class _Progress:
    def __init__(self, stream):
        self.progress, self.stream = _reporter.get(), stream
        if self.progress is not None:
            self.size = stream.seek(0, io.SEEK_END) if stream.seekable() else 0
            stream.seek(0)

    def report(self, done=False):
        if self.progress is None:
            return
        if done or not self.size:
            self.progress(READING_SHARE, 100)
            return
        position = (
            self.stream.buffer.tell() if hasattr(self.stream, "buffer") else self.stream.tell()
        )
        self.progress(READING_SHARE * min(position, self.size) // self.size, 100)


def count(number, singular=None, plural=None):
    """``number`` the French way, its thousands grouped by a no-break space (``2 500``, as
    the pages' ``intcomma`` and ``iae_portal.filtering`` write them), followed by
    ``singular`` (0 or 1) or ``plural`` when given: a report's summary, on the page and in
    the command alike."""
    text = formats.number_format(number, use_l10n=True, force_grouping=True)
    if singular is None:
        return text
    return f"{text} {singular if number <= 1 else plural}"


def parse_date(value):
    """``(date, None)`` for a date written AAAA-MM-JJ, else ``(None, the French reason)``."""
    try:
        if ISO_DATE.fullmatch(value):
            return datetime.date.fromisoformat(value), None
    except ValueError:
        pass
    return None, f"Date invalide : « {value} » (format attendu AAAA-MM-JJ)."


# -- Reading and writing the database in bulk ------------------------------------------------

# Keys of one ``IN (…)`` on SQLite, under the 999 bound variables of its builds before 3.32.
SQLITE_CHUNK = 900


def key_chunks(keys):
    """``keys`` (sorted) in chunks for ``field__any=chunk`` (``iae_portal.lookups``): all at
    once on PostgreSQL, where the list travels as one array parameter (one query for a
    50,000-line file instead of 56 with 900 placeholders each, which the driver parses one
    by one), by ``SQLITE_CHUNK`` elsewhere."""
    keys = sorted(keys)
    if not keys:
        return []
    if connection.vendor == "postgresql":
        return [keys]
    return list(itertools.batched(keys, SQLITE_CHUNK))


def insert_rows(model, rows, *, now, count=None):
    """``iae_portal.bulk`` insertion of ``rows`` (dicts of attribute → value) with the
    ``auto_now`` and ``auto_now_add`` fields set to ``now`` (only ``save()`` sets them);
    returns the new keys in the order of ``rows``. COPY on PostgreSQL: no model instance,
    no ``INSERT`` of thousands of parameters (four times the time of an import's writing).
    ``rows`` may be a generator of ``count`` rows: each is sent as it is made, never held
    with the others. It must not query the database (the connection is busy with COPY)."""
    count = len(rows) if count is None else count
    if not count:
        return []
    stamp = {
        field.attname: now
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    }
    with bulk_inserter(model, count) as inserter:
        for row in rows:
            inserter.add({**stamp, **row} if stamp else row)
    return inserter.keys


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
    confirmation button; the confirmation imports the file kept meanwhile, planned again
    (the database may have changed since the report).

    A file of at most ``immediate_lines()`` lines is planned and imported during the
    request, kept in the session in between. A larger one is kept in the media storage and
    both its plan and its import run as a task (``IMPORT_KIND``, a file prepared in the
    background, ``iae_portal.prepared``): the page follows the task's progress
    (``?tache=<uuid>``), then shows the same report, or leads to the list once imported."""

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
        if "tache" in request.GET:
            return self.follow(request, request.GET["tache"])
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
        if content.count(b"\n") > immediate_lines():
            path = default_storage.save(
                f"{UPLOADS}/{secrets.token_hex(16)}.csv", ContentFile(content)
            )
            pending_uploads.stash(
                request, self.session_key, name=upload.name, content=b"", path=path, **options
            )
            return self.start(request, "plan", path=path, name=upload.name, options=options)
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
        options = {name: pending[name] for name in self.option_fields}
        if pending.get("path"):
            return self.start(
                request, "apply", path=pending["path"], name=pending["name"], options=options
            )
        try:
            result = self.importer.apply(
                pending["content"],
                actor=request.user,
                name=pending["name"],
                user=request.user,
                **options,
            )
        except ImportRejected as rejected:
            return self.rejected(request, rejected.plan)
        return self.done(request, result.summary)

    def rejected(self, request, plan):
        messages.error(request, "Le fichier contient des erreurs : rien n'a été enregistré.")
        return self.render(form=self.form_class(), plan=plan)

    def done(self, request, summary):
        pending_uploads.forget(request, self.session_key)
        messages.success(request, f"Import terminé : {summary}.")
        return redirect(self.success_url)

    # The background path.

    def start(self, request, step, *, path, name, options):
        """Queue the ``step`` (``plan`` or ``apply``) of the file kept at ``path``; the page
        then follows it."""
        prepared = prepare(
            owner=request.user,
            kind=IMPORT_KIND,
            params={
                "view": f"{type(self).__module__}.{type(self).__qualname__}",
                "step": step,
                "path": path,
                "name": name,
                "options": options,
            },
            title=f"{STEP_TITLES[step]} : {name}",
            back_url=request.path,
        )
        return redirect(f"{request.path}?tache={prepared.uuid}")

    def follow(self, request, task_id):
        """The page of a task of this import: its progress, then its report."""
        try:
            task_id = uuid.UUID(task_id)
        except ValueError:
            raise Http404 from None
        task = (
            PreparedFile.objects.of(request.user)
            .alive()
            .filter(
                uuid=task_id,
                kind=IMPORT_KIND,
                params__view=f"{type(self).__module__}.{type(self).__qualname__}",
            )
            .first()
        )
        if task is None:
            raise Http404
        if task.state != PreparedState.READY:
            return self.render(task=task, refresh=None if task.finished else PROGRESS_REFRESH)
        with task.file.open("rb") as report:
            report = StoredPlan(fastjson.loads(report.read().decode()))
        if task.params["step"] == "apply":
            if report.applied:
                default_storage.delete(task.params["path"])
                return self.done(request, report.summary)
            return self.rejected(request, report)
        pending = request.session.get(self.session_key) or {}
        token = pending.get("token") if pending.get("path") == task.params["path"] else None
        return self.render(
            form=self.form_class(), plan=report, token=token, **task.params["options"]
        )

    def render(self, **context):
        return render(self.request, self.template_name, context)


# -- The background task ----------------------------------------------------------------------

IMPORT_KIND = "imports.run"
UPLOADS = "imports"  # where the files of background imports wait, in the media storage
STEP_TITLES = {"plan": "Rapport avant import", "apply": "Import"}
PROGRESS_REFRESH = 3  # seconds between two reloads of a task's page, without script


def immediate_lines():
    """Lines of a file planned and imported during the request:
    ``IAE_IMPORT_IMMEDIATE_LINES`` (2,000); a larger one goes to a task."""
    return getattr(settings, "IAE_IMPORT_IMMEDIATE_LINES", 2000)


def register():
    """The background imports' kind of prepared file (``CoreConfig.ready``)."""
    kinds.register(IMPORT_KIND, build=build_import)


def build_import(job, out):
    """The task of a background import: plan or apply the kept file as its page would,
    for the task's owner (who must still be allowed), reporting the progress; writes the
    report (``stored_report``) as JSON."""
    params = job.params
    view = import_string(params["view"])()
    if not view.allowed(job.owner):
        raise Refused("Vous n'avez plus accès à cet import.")
    with default_storage.open(params["path"], "rb") as kept:
        content = kept.read()
    options = params["options"]
    with visible_progress(job) as progress, reporting(progress):
        if params["step"] == "plan":
            report = stored_report(view.importer.plan(content, user=job.owner, **options))
        else:
            try:
                result = view.importer.apply(
                    content, actor=job.owner, name=params["name"], user=job.owner, **options
                )
            except ImportRejected as rejected:
                report = stored_report(rejected.plan) | {"applied": False}
            else:
                report = stored_report(result) | {"applied": True}
    out.write(fastjson.dumps(report).encode())
    return "rapport-import.json"


_meta = PreparedFile._meta
UPDATE_PROGRESS = "UPDATE {} SET {} = %s, {} = %s WHERE {} = %s".format(
    *map(
        connection.ops.quote_name,
        (
            _meta.db_table,
            _meta.get_field("done").column,
            _meta.get_field("total").column,
            _meta.pk.column,
        ),
    )
)


@contextmanager
def visible_progress(job):
    """``job.progress`` as the import's page sees it while the import runs: written, on
    PostgreSQL, through a connection of its own that commits each write, since the import
    writes in one transaction (all-or-nothing) whose writes nobody sees before its end.
    Elsewhere (SQLite: one writer at a time), or when the task itself runs within a
    transaction (its row may not be committed yet: a test's), as the job writes it."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield job.progress
        return
    own = connections.create_connection(DEFAULT_DB_ALIAS)  # autocommit, as any connection
    shown = None

    def progress(done, total):
        nonlocal shown
        percent = done * 100 // total if total else 0
        if percent == shown:
            return
        shown = percent
        with own.cursor() as cursor:
            cursor.execute(UPDATE_PROGRESS, [done, total, job.prepared.pk])

    try:
        yield progress
    finally:
        own.close()


def stored_report(plan):
    """What the report page reads of a plan, as JSON: its fields (not those it keeps for
    writing, the rows or the file, declared ``repr=False``), its errors, summary and
    decision."""
    report = {
        item.name: _plain(getattr(plan, item.name))
        for item in dataclasses.fields(plan)
        if item.repr and item.name != "errors"
    }
    return report | {
        "errors": [dataclasses.asdict(error) for error in plan.errors],
        "summary": plan.summary,
        "has_changes": plan.has_changes,
        "is_valid": plan.is_valid,
        "error_line_count": plan.error_line_count,
    }


def _plain(value):
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class StoredPlan:
    """A plan read back from its report: the template reads it as it reads the plan."""

    def __init__(self, report):
        self.__dict__.update(report)
        self.errors = [RowError(**error) for error in report["errors"]]


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
