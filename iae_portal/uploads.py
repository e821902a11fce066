"""Remember which uploaded files were sent with a path in their name.

Django's multipart parser keeps only the last part of a file name (``../../x.pdf`` becomes
``x.pdf``), which is safe but hides the attempt. This middleware makes the parser mark
such files (``upload.had_path``) so that forms refuse them with a clear message.
"""

import html

from django.http.multipartparser import MultiPartParser


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
