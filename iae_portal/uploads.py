"""Guards on every upload, before any form sees it.

Django's multipart parser keeps only the last part of a file name (``../../x.pdf`` becomes
``x.pdf``), which is safe but hides the attempt. ``UploadPathMiddleware`` makes the parser
mark such files (``upload.had_path``) so that forms refuse them with a clear message.

Django limits the size of a request's fields but not of its files: without
``RequestSizeLimitHandler`` a huge upload would be written to a temporary file before a
form could refuse it.
"""

import html
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.db import models
from django.http.multipartparser import MultiPartParser
from django.utils import timezone


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


def sniff(upload):
    """``(content_type, extension)`` read from the file's first bytes, or a French error."""
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


def random_name(folder, filename):
    """Where an upload is stored: ``folder`` and a random name with the extension of the
    detected type; the original name is kept in the row, never on disk."""
    return f"{folder}/{uuid.uuid4().hex}{PurePath(filename).suffix}"


class UploadedDocument(models.Model):
    """What every uploaded file keeps: its original name, its sniffed type, its size, who
    sent it and when. A concrete model adds its ``file`` (with its own folder) and what the
    document belongs to, and is created with ``**uploaded(upload, stem)``."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


def uploaded(upload, stem):
    """The fields of an ``UploadedDocument`` for ``upload``, checked by ``sniff`` (raises
    its French ``ValidationError``); the file is renamed ``stem`` + the detected extension
    before the storage gives it its random name."""
    content_type, extension = sniff(upload)
    original = PurePath(upload.name).name[:255]
    upload.name = f"{stem}{extension}"
    return {
        "file": upload,
        "original_name": original,
        "content_type": content_type,
        "size": upload.size,
    }
