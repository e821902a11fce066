"""The API's JSON through orjson: the same text as DRF's ``JSONRenderer`` (compact, UTF-8),
several times faster on a sync's pages of 1,000 records (bench/api_sync.py).

What orjson writes differently is left to DRF's encoder (``default``): dates and times
(``OPT_PASSTHROUGH_DATETIME``; the serializers give them as text anyway), decimals, lazy
translations; U+2028 and U+2029 are escaped as DRF does. What orjson cannot write (an
integer beyond 64 bits) makes the whole response go through DRF's renderer, as does an
indented response asked for in the ``Accept`` header."""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME
SEPARATORS = {"\u2028".encode(): b"\\u2028", "\u2029".encode(): b"\\u2029"}


class Encoder(JSONEncoder):
    """DRF's encoder, which also reads JSON already written (``orjson.Fragment``: a stored
    structure of a sync's page) for DRF's renderer."""

    def default(self, obj):
        if isinstance(obj, orjson.Fragment):
            return orjson.loads(orjson.dumps(obj))
        return super().default(obj)


class FastJSONRenderer(JSONRenderer):
    encoder_class = Encoder

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            text = orjson.dumps(data, default=Encoder().default, option=OPTIONS)
        except (TypeError, orjson.JSONEncodeError):
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in SEPARATORS.items():
            if raw in text:
                text = text.replace(raw, escaped)
        return text
