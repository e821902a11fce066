"""Guards on every upload, before any form sees it.

Django's multipart parser keeps only the last part of a file name (``../../x.pdf`` becomes
``x.pdf``), which is safe but hides the attempt. ``UploadPathMiddleware`` makes the parser
mark such files (``upload.had_path``) so that forms refuse them with a clear message.

Django limits the size of a request's fields but not of its files: without
``RequestSizeLimitHandler`` a huge upload would be written to a temporary file before a
form could refuse it.
"""

import html

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser


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
