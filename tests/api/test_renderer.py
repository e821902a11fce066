"""The API's orjson renderer writes exactly what DRF's JSON renderer writes."""

import datetime
import uuid
import zoneinfo
from collections import OrderedDict
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from iae_portal.api.renderers import FastJSONRenderer
from structures.enums import StructureKind

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SAMPLES = [
    {"next": None, "previous": "https://x/?cursor=abc", "results": []},
    OrderedDict(
        [
            ("uuid", uuid.UUID("3f1c2a9e-4b7d-4c1e-9a51-2d6f0e8b7c10")),
            ("name", "Chantier d'insertion « Les Jardins » — Nancy"),
            ("kind", StructureKind.ACI),
            ("amount", Decimal("12345.67")),
            ("at", datetime.datetime(2026, 12, 7, 8, 30, 15, 123456, tzinfo=PARIS)),
            ("utc", datetime.datetime(2026, 12, 7, 8, 30, tzinfo=datetime.UTC)),
            ("day", datetime.date(2026, 2, 28)),
            ("lazy", gettext_lazy("Champ requis")),
            ("separators", "ligne\u2028paragraphe\u2029fin"),
            ("numbers", [0, -1, 2**63 - 1, 1.5, True, False]),
        ]
    ),
    {"big": 2**70, "nested": [{"a": [1, {"b": None}]}]},
    ["\x00 nul", "émoji 🚀", 'guillemets "doubles" et \\'],
]


@pytest.mark.parametrize("data", SAMPLES)
def test_same_bytes_as_drf(data):
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_indented_when_asked():
    data = {"a": [1, 2]}
    media = "application/json; indent=2"
    assert FastJSONRenderer().render(data, media, {}) == JSONRenderer().render(data, media, {})
    assert b"\n" in FastJSONRenderer().render(data, media, {})
