"""The API's parsers: JSON within limits, and multipart uploads through the portal's own
guards (``iae_portal.uploads``).

Whatever a body holds, what reaches a view is refused with a 400 naming its field when it
could not be stored or would exhaust the server: a NUL byte or a lone surrogate in a text
or a key, a number beyond 64 bits or not finite (``1e400``), nesting deeper than
``MAX_DEPTH``; a JSON body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused (413).
A file name carrying a path is marked (``upload.had_path``) for
``iae_portal.uploads.sniff`` to refuse."""

import codecs
import json
import math

from django.conf import settings
from django.http.multipartparser import MultiPartParserError
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from iae_portal.uploads import _PathRecordingParser

from .exceptions import FieldError, PayloadTooLarge, item_path, join_path

MAX_DEPTH = 32
MAX_INTEGER = 2**63 - 1


def check_text(value, field):
    """A 400 on ``field`` if ``value`` holds a NUL byte or a lone surrogate."""
    if "\x00" in value:
        raise FieldError(field, "Caractère nul interdit.", code="null_characters_not_allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise FieldError(
            field, "Caractère invalide (substitut isolé).", code="surrogate_characters_not_allowed"
        ) from None


def check_data(value, path=None, depth=0):
    """Walk parsed data (to ``MAX_DEPTH`` levels at most): see the module's docstring."""
    if isinstance(value, str):
        check_text(value, path)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > MAX_INTEGER:
            raise FieldError(path, "Nombre hors limites.", code="out_of_range")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise FieldError(path, "Nombre hors limites.", code="out_of_range")
    elif isinstance(value, dict | list):
        if depth >= MAX_DEPTH:
            raise FieldError(
                path, f"Imbrication trop profonde ({MAX_DEPTH} niveaux au plus).", code="too_deep"
            )
        if isinstance(value, dict):
            for key, item in value.items():
                field = join_path(path, str(key))
                check_text(str(key), field)
                check_data(item, field, depth + 1)
        else:
            for index, item in enumerate(value):
                check_data(item, item_path(path, index), depth + 1)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1 if limit is not None else -1) if stream else b""
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge()
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=json_strict_constant)
        except (ValueError, UnicodeError) as error:
            raise ParseError(f"JSON invalide : {error}") from None
        except RecursionError:
            # The decoder's own limit, far beyond MAX_DEPTH.
            raise FieldError(
                None, f"Imbrication trop profonde ({MAX_DEPTH} niveaux au plus).", code="too_deep"
            ) from None
        check_data(data)
        return data


def json_strict_constant(name):
    raise ValueError(f"{name} n'est pas du JSON")


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
        for name, values in data.lists():
            check_text(name, name)
            for value in values:
                check_text(value, name)
        for name, upload in files.items():
            check_text(name, name)
            check_text(upload.name or "", name)
            upload.had_path = upload.name in parser.names_with_path
        return parsers.DataAndFiles(data, files)
