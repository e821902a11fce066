"""Multipart uploads through the portal's own guards (``iae_portal.uploads``): a file
name carrying a path is marked (``upload.had_path``) for ``iae_portal.uploads.sniff`` to refuse."""

from django.conf import settings
from django.http.multipartparser import MultiPartParserError
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from iae_portal.uploads import _PathRecordingParser


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            parser = _PathRecordingParser(meta, stream, request.upload_handlers, encoding)
            data, files = parser.parse()
        except MultiPartParserError as error:
            raise ParseError(f"Envoi multipart invalide : {error}") from None
        for upload in files.values():
            upload.had_path = upload.name in parser.names_with_path
        return parsers.DataAndFiles(data, files)
