"""JSON text through orjson (several times faster than the json module on a batch's
documents), falling back to the json module wherever the two would not give the same.

orjson reads an integer beyond 64 bits as a float (a changed value) or refuses it, refuses
``NaN``, and cannot write such an integer; the json module does all of these as Django's
``JSONField`` does."""

import json
import re

import orjson

# 19 digits in a row: maybe an integer beyond 64 bits (a 19-digit float is read the same
# by both, only more slowly here).
LONG_NUMBER = re.compile(r"\d{19}")


def loads(text):
    if LONG_NUMBER.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def dumps(value):
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)
