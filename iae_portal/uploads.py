"""Guards on every upload, before any form sees it.

Django's multipart parser keeps only the last part of a file name (``../../x.pdf`` becomes
``x.pdf``), which is safe but hides the attempt. ``UploadPathMiddleware`` makes the parser
mark such files (``upload.had_path``) so that forms refuse them with a clear message.

Django limits the size of a request's fields but not of its files: without
``RequestSizeLimitHandler`` a huge upload would be written to a temporary file before a
form could refuse it.

Every file is scanned by the antivirus (``iae_portal.antivirus``) before it is kept: an
infected one is refused and journalled; one that clamd could not scan yet waits « en cours
d'analyse » (``ScanState.PENDING``) for ``scan_waiting`` (a Celery task, run by beat), and
until it is found clean only its uploader may download it (``download``).
"""

import functools
import html
import logging
import operator
import uuid
from pathlib import PurePath

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.db import models, transaction
from django.dispatch import Signal
from django.http import FileResponse
from django.http.multipartparser import MultiPartParser
from django.shortcuts import render
from django.utils import timezone

from . import antivirus, queue
from .antivirus import ScanState
from .audit.services import audit_record

logger = logging.getLogger(__name__)


class RequestSizeLimitHandler(FileUploadHandler):
    """Refuses (400) a multipart request larger than ``IAE_MAX_UPLOAD_REQUEST_SIZE`` before
    reading its body; Django never reads past the announced length, so it cannot lie."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.IAE_MAX_UPLOAD_REQUEST_SIZE:
            raise RequestDataTooBig(
                f"Upload of {content_length} bytes exceeds IAE_MAX_UPLOAD_REQUEST_SIZE."
            )

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


class _PathRecordingParser(MultiPartParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.names_with_path = set()

    def sanitize_file_name(self, file_name):
        clean = super().sanitize_file_name(file_name)
        raw = html.unescape(file_name or "")
        if clean is not None and ("/" in raw or "\\" in raw or ".." in raw):
            self.names_with_path.add(clean)
        return clean


class UploadPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def parse_file_upload(meta, post_data):
            parser = _PathRecordingParser(
                meta, post_data, request.upload_handlers, request.encoding
            )
            post, files = parser.parse()
            for upload in files.values():
                upload.had_path = upload.name in parser.names_with_path
            return post, files

        request.parse_file_upload = parse_file_upload
        return self.get_response(request)


# Supporting documents: PDF, JPEG or PNG, recognised by their content, 10 MB at most.
MAX_SIZE = 10 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


# The extensions a name may keep for each type; the first one is given to any other name.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe"),
}
INFECTED = (
    "Ce fichier a été refusé : l'antivirus y a détecté un contenu malveillant ({signature}). "
    "Il n'a pas été enregistré."
)
SCAN_UNAVAILABLE = (
    "L'analyse antivirus est momentanément indisponible : le fichier n'a pas été enregistré. "
    "Réessayez dans quelques minutes."
)


def name_for_type(name, content_type):
    """``name`` with the extension of ``content_type``: its stem is kept, its extension
    replaced unless it already names that type (``evil.html`` as a PDF: ``evil.pdf``;
    ``photo.JPEG`` stays)."""
    allowed = EXTENSIONS.get(content_type)
    path = PurePath(name or "")
    if allowed is None or path.suffix.lower() in allowed:
        return path.name[:255]
    stem = (path.stem if path.suffix else path.name).strip(" .") or "document"
    return f"{stem[: 255 - len(allowed[0])]}{allowed[0]}"


def _check_name_and_size(upload):
    name = upload.name or ""
    had_path = getattr(upload, "had_path", False)  # see UploadPathMiddleware
    if had_path or any(mark in name for mark in ("/", "\\", "\x00")) or ".." in name:
        raise ValidationError(
            "Le nom du fichier ne doit pas contenir de chemin (/, \\ ou ..).", code="path"
        )
    if upload.size > MAX_SIZE:
        raise ValidationError("Le fichier dépasse la taille maximale de 10 Mo.", code="size")
    if upload.size == 0:
        raise ValidationError("Le fichier est vide.", code="empty")


def _detect(upload):
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    raise ValidationError(
        "Seuls les fichiers PDF, JPEG et PNG sont acceptés : le contenu de ce fichier "
        "ne correspond à aucun de ces formats.",
        code="type",
    )


def sniff(upload):
    """``(content_type, extension)`` read from the file's first bytes, or a French error
    (a path in its name, over 10 MB, empty, not a PDF, JPEG or PNG)."""
    _check_name_and_size(upload)
    return _detect(upload)


def random_name(folder, filename):
    """Where an upload is stored: ``folder`` and a random name with the extension of the
    detected type; the original name is kept in the row, never on disk."""
    return f"{folder}/{uuid.uuid4().hex}{PurePath(filename).suffix}"


class UploadedDocument(models.Model):
    """What every uploaded file keeps: its name (with the extension of its sniffed type), that
    type, its size, who sent it and when, and the antivirus' verdict. A concrete model adds its
    ``file`` (with its own folder), what the document belongs to and ``journal_via`` (the path
    to the object whose journal records an infection found later), and is created with
    ``**uploaded(upload, stem, actor=…, journal=…)``."""

    journal_via = None  # e.g. "dossier": the attribute path to the journalled object

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Rows made by no upload (the demo's, older ones) are "unscanned": the sweep scans them
    # once the antivirus is on.
    scan_state = models.CharField(
        "analyse antivirus",
        max_length=16,
        choices=ScanState.choices,
        default=ScanState.UNSCANNED,
        db_index=True,
    )
    scanned_at = models.DateTimeField("analysé le", null=True, blank=True)
    scan_signature = models.CharField("signature détectée", max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def download_name(self):
        """The name the download gives: the stored one, with the extension of its type."""
        return name_for_type(self.original_name, self.content_type)

    @property
    def is_available(self):
        """Whether anyone allowed to see it may download it: scanned clean, or kept while the
        antivirus is off (``IAE_SCAN_UPLOADS``)."""
        if self.scan_state == ScanState.CLEAN:
            return True
        return self.scan_state == ScanState.UNSCANNED and not antivirus.enabled()

    @property
    def scan_label(self):
        """What the pages say beside a file that is not plainly available, else ""."""
        if self.scan_state == ScanState.INFECTED:
            return "refusé par l'antivirus, fichier supprimé"
        return "" if self.is_available else "en cours d'analyse antivirus"

    def may_download(self, user):
        """Whether ``user``, already allowed to see the document, may download its file:
        anyone once it is available; its uploader even before; an infected one nobody."""
        if self.scan_state == ScanState.INFECTED:
            return False
        return self.is_available or self.uploaded_by_id == user.pk


def uploaded(upload, stem, *, actor, journal):
    """The fields of an ``UploadedDocument`` for ``upload`` sent by ``actor``: its name and
    size checked, scanned by the antivirus, its type sniffed; stored as ``stem`` + the
    detected extension (the storage adds a random name), named after its stem + that
    extension. Raises a French ``ValidationError``: code ``infected`` (journalled on
    ``journal``, the object the document is for), ``scan_unavailable`` (clamd unreachable and
    ``CLAMD_UNREACHABLE`` "refuse"), or those of ``sniff``.

    Call it before the service's transaction: a scan may take seconds, and the journal entry
    of an infected file must stay when the upload is refused."""
    _check_name_and_size(upload)
    original = PurePath(upload.name).name
    verdict = antivirus.scan(upload)
    if verdict.state == ScanState.INFECTED:
        _journal_infected(actor, journal, original, verdict.signature, "Refusé au dépôt")
        raise ValidationError(INFECTED.format(signature=verdict.signature), code="infected")
    content_type, extension = _detect(upload)
    if verdict.state == ScanState.PENDING and settings.CLAMD_UNREACHABLE == "refuse":
        raise ValidationError(SCAN_UNAVAILABLE, code="scan_unavailable")
    upload.name = f"{stem}{extension}"
    return {
        "file": upload,
        "original_name": name_for_type(original, content_type),
        "content_type": content_type,
        "size": upload.size,
        "scan_state": verdict.state,
        "scanned_at": timezone.now() if verdict.state == ScanState.CLEAN else None,
    }


def _journal_infected(actor, obj, name, signature, reason):
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="upload.infected",
            obj=obj,
            changes={"original_name": [name, None], "scan_signature": [None, signature]},
            reason=reason,
        )


def after_saving(document):
    """Once ``document`` is saved in the service's transaction: one left waiting is queued
    for a scan after the commit (the periodic sweep takes it if clamd is still down)."""
    if document.scan_state == ScanState.PENDING:
        key = document._meta.label
        transaction.on_commit(
            lambda: queue.enqueue_quietly("iae_portal.tasks.scan_upload", key, document.pk)
        )


# -- later scans ----------------------------------------------------------------------------


def upload_models():
    """The concrete models of uploaded files."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, UploadedDocument) and not model._meta.abstract
    ]


def waiting_states():
    """Pending files; with the antivirus on, also those never scanned (older, demo)."""
    if antivirus.enabled():
        return [ScanState.PENDING, ScanState.UNSCANNED]
    return [ScanState.PENDING]


# Sent (after the commit) when a file kept while clamd was away turns out infected: its app
# tells whom it concerns (``sender``: the document's model; ``document``, ``signature``).
document_infected = Signal()


def scan_stored(document):
    """Scan ``document``'s stored file and record the verdict; returns it. Clean: available
    to all; infected: the file is deleted (after the commit) and the journal of its object
    (``journal_via``) says so; clamd still down: it keeps waiting."""
    before = document.scan_state
    try:
        with document.file.open("rb") as stored:
            verdict = antivirus.scan(stored)
    except FileNotFoundError:
        logger.error("The file of %s %s is missing.", document._meta.label, document.pk)
        return None
    if verdict.state not in (ScanState.CLEAN, ScanState.INFECTED):
        return verdict
    with transaction.atomic():
        written = (
            type(document)
            .objects.filter(pk=document.pk, scan_state=before)
            .update(
                scan_state=verdict.state,
                scanned_at=timezone.now(),
                scan_signature=verdict.signature[:255],
            )
        )
        if written and verdict.state == ScanState.INFECTED:
            journal = operator.attrgetter(document.journal_via)(document)
            _journal_infected(
                None,
                journal,
                document.original_name,
                verdict.signature,
                "Analyse différée : fichier supprimé",
            )
            transaction.on_commit(
                functools.partial(document.file.storage.delete, document.file.name)
            )
            transaction.on_commit(
                functools.partial(
                    document_infected.send,
                    sender=type(document),
                    document=document,
                    signature=verdict.signature,
                )
            )
    if written:
        document.scan_state = verdict.state
    return verdict


def scan_upload(label, pk):
    """The task of one file left waiting (``after_saving``)."""
    model = apps.get_model(label)
    document = model.objects.filter(pk=pk, scan_state__in=waiting_states()).first()
    if document is not None:
        scan_stored(document)


SWEEP_LOCK = "iae-uploads-scan-waiting"


def scan_waiting(limit=None):
    """Scan the files waiting, oldest first, until clamd fails again or ``limit`` files
    are scanned; returns ``{state: count}`` of the verdicts recorded. Nothing when the
    antivirus is off, or while another sweep runs (a lock in the shared cache, for an hour
    at most: a sweep of many files may outlast beat's interval)."""
    if not antivirus.enabled() or not cache.add(SWEEP_LOCK, True, timeout=3600):
        return {}
    try:
        done = _sweep(limit)
    finally:
        cache.delete(SWEEP_LOCK)
    if done:
        logger.info("Uploads scanned later: %s", done)
    return done


def _sweep(limit):
    done = {}
    for model in upload_models():
        waiting = model.objects.filter(scan_state__in=waiting_states())
        for pk in list(waiting.order_by("pk").values_list("pk", flat=True)):
            document = waiting.filter(pk=pk).first()  # scanned meanwhile: gone from here
            verdict = scan_stored(document) if document is not None else None
            if verdict is not None and verdict.state == ScanState.PENDING:
                logger.warning("clamd is still unreachable: the sweep stops for now.")
                return done
            if verdict is not None:
                done[verdict.state] = done.get(verdict.state, 0) + 1
            if limit is not None and sum(done.values()) >= limit:
                return done
    return done


# -- downloads ------------------------------------------------------------------------------

UNAVAILABLE_PAGES = {
    ScanState.INFECTED: (
        410,
        "Fichier supprimé",
        "L'antivirus a détecté un contenu malveillant dans ce fichier : il a été supprimé.",
    ),
    ScanState.PENDING: (
        409,
        "Fichier en cours d'analyse",
        "Ce fichier est en cours d'analyse antivirus : il pourra être téléchargé dès que "
        "l'analyse l'aura trouvé sain. Réessayez dans quelques minutes.",
    ),
}


def download(request, document):
    """The response giving ``document``'s file to ``request.user``, whom the app's
    ``perms`` let see it: as an attachment named after its sniffed type, with that type and
    ``nosniff``; or a French page saying why not (still being scanned, infected)."""
    if not document.may_download(request.user):
        state = ScanState.INFECTED if document.scan_state == ScanState.INFECTED else None
        status, title, text = UNAVAILABLE_PAGES[state or ScanState.PENDING]
        return render(
            request,
            "uploads/unavailable.html",
            {"title": title, "text": text, "document": document},
            status=status,
        )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
