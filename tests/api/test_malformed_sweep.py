"""Malformed input on every route of the API (issue 16, build 1): no 5xx, and every 4xx in the
JSON error shape of docs/api.md.

The routes come from the URL resolver (``tests.api.resolver``), their query parameters,
request bodies and examples from the OpenAPI schema the API serves: a route an app registers
is swept without this file naming it. For each route and each method it allows (and one it
does not), with tokens of every scope the apps register:

- path parameters: a NUL byte, ``-1``, ``0``, a huge number, 300 characters, bad UTF-8, an
  unknown but well-formed key;
- query parameters (the operation's own and the common ones): the same, plus deep JSON,
  impossible and out-of-range instants; forged cursors derived from a real one;
- bodies: malformed JSON, bad UTF-8, deep nesting, wrong top-level types, NUL keys, wrong
  content types; then each property of the operation's body (its example, or the object
  as the API shows it) replaced in turn by a NUL byte, a lone surrogate, long text, huge or
  negative numbers, wrong types, impossible dates.

Each request runs in a savepoint rolled back after it: every request sees the same data,
and a database error (PostgreSQL aborts the transaction) cannot hide the next ones. Run it
on PostgreSQL too: ``DATABASE_URL=postgres://… pytest tests/api/test_malformed_sweep.py``.
"""

import base64
import datetime
import json
import re
import uuid
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from rest_framework.test import APIClient

from iae_portal.api import externals
from tests.aides.factories import pdf_upload
from tests.api.fixtures import bearer, dossier_for
from tests.api.resolver import api_routes
from tests.clauses.factories import FacilitatorFactory, HoursReportFactory, LotFactory
from tests.dla.factories import PrestationFactory, accompaniment_at, chargé, dla_of
from tests.structures.factories import ConventionFactory, FiguresFactory, StructureFactory

pytestmark = pytest.mark.django_db

# What the OpenAPI examples name (structures, clauses and dla schemas): they exist here, so
# an example body reaches the services and its mutations the validation of each field.
EXAMPLE_SIRET = "73282932000074"
EXAMPLE_LOT = uuid.UUID("3f1c2a9e-4b7d-4c1e-9a51-2d6f0e8b7c10")
EXAMPLE_ACCOMPANIMENT = uuid.UUID("6b1f0c2e-8d4a-4f3e-9c7b-1a2d3e4f5a6b")
EXAMPLE_EXTERNAL_ID = "crm-1042"

HUGE = "9" * 30
LONG = "x" * 300
# Raw (already percent-encoded) values of a path or query parameter.
RAW_VALUES = ["%00", "a%00b", "-1", "0", HUGE, LONG, "%FF%FE", "%C3%28"]
QUERY_ONLY = [
    quote("[" * 40 + "]" * 40),
    "1e400",
    "2026-13-45T25:61:00",
    quote("2026-01-01T00:00:00+23:59"),
    quote("0001-01-01T00:00:00+23:59"),
    "",
]
# Parameters every GET is tried with, besides its own (from the schema).
COMMON_PARAMETERS = ["cursor", "page_size", "updated_since", "department", "region", "year"]
COMMON_PARAMETERS += ["structure", "format"]
# What replaces one property of a body.
BAD_PROPERTIES = [
    "\x00",
    "a\x00b",
    "\ud800",
    LONG,
    HUGE,
    -1,
    0,
    2**62,
    10**30,
    1e308,
    -1.5,
    True,
    None,
    [],
    ["\x00"],
    {"a": [1]},
    "2026-13-45",
    "NaN",
    "00000000-0000-4000-8000-000000000000",
]
WHOLE_BODIES = [
    (b"{nope", "application/json"),
    (b'{"a": "\xff\xfe"}', "application/json"),
    (b"[" * 5000 + b"]" * 5000, "application/json"),
    (json.dumps({"name": json.loads("[" * 40 + "]" * 40)}).encode(), "application/json"),
    (b"[]", "application/json"),
    (b'"x"', "application/json"),
    (b"1", "application/json"),
    (b"null", "application/json"),
    (b'{"\\u0000": 1}', "application/json"),
    (b'{"a": 1e400}', "application/json"),
    (b'{"a": NaN}', "application/json"),
    (b"", "application/json"),
    (b"\xef\xbb\xbf{}", "application/json"),
    (b"{}", "application/json; charset=bogus"),
    (b"{}", "application/json; charset=utf-16"),
    (b"{}", "text/plain"),
    (b"a=%00", "application/x-www-form-urlencoded"),
    (b"--x\r\n", "multipart/form-data; boundary=x"),
]


class Sweep:
    def __init__(self, clients):
        self.clients = clients  # name → APIClient
        self.failures = []
        self.count = 0

    def call(self, client, method, url, body=b"", content_type="application/json"):
        self.count += 1
        with transaction.atomic():
            response = client.generic(method.upper(), url, body, content_type=content_type)
            transaction.set_rollback(True)
        problem = self._problem(method, response)
        if problem:
            self.failures.append(
                f"{method.upper()} {url[:160]} {body[:120]!r} [{content_type}] → "
                f"{response.status_code} {problem}: {response.content[:300]!r}"
            )
        return response

    @staticmethod
    def _problem(method, response):
        if response.status_code >= 500:
            return "server error"
        if response.status_code < 400 or method.lower() == "head":
            return None
        if not response.get("Content-Type", "").startswith("application/json"):
            return "not JSON"
        try:
            errors = json.loads(response.content)["errors"]
        except (ValueError, KeyError, TypeError):
            return "not the error shape"
        shaped = isinstance(errors, list) and errors
        if not shaped or any(set(e) != {"field", "code", "message"} for e in errors):
            return "not the error shape"
        return None

    def report(self):
        shown = "\n".join(self.failures[:40])
        return f"{len(self.failures)} of {self.count} requests failed:\n{shown}"


@pytest.fixture
def sweep(db, settings, tmp_path, make_token):
    """Data of every resource, and clients of every kind (tests/api/fixtures.py)."""
    settings.IAE_API_THROTTLE_RATE = "10000000/min"
    settings.MEDIA_ROOT = tmp_path
    siae = StructureFactory(siret=EXAMPLE_SIRET, kind="ETTI")
    structures = [siae, *StructureFactory.create_batch(2)]
    for structure in structures:
        ConventionFactory(structure=structure)
        FiguresFactory(structure=structure)
    dossier_for(siae)
    StructureFactory().delete()  # a tombstone in the deletions feed
    plie = FacilitatorFactory(name="PLIE balayage")
    plie.departments.add("54")
    lot = LotFactory(uuid=EXAMPLE_LOT, facilitator=plie)
    HoursReportFactory(lot=lot, siae=siae, modality="mise_a_disposition")
    HoursReportFactory(lot=LotFactory(facilitator=plie, marche=lot.marche))
    planned = accompaniment_at("plan", chargé("balayage@example.org", "54"), [siae])
    planned.__class__.objects.filter(pk=planned.pk).update(uuid=EXAMPLE_ACCOMPANIMENT)
    PrestationFactory(accompaniment=planned, beneficiaries=[siae])
    restrictions = {
        "read": ("read", {}),
        "write": ("write", {}),
        "structure": ("write", {"structure": siae}),
        "dla": ("write", {"dla": dla_of("54")}),
        "facilitator": ("write", {"facilitator": plie}),
        "department": ("read", {"department": "54"}),
    }
    clients = {}
    for name, (scope, restriction) in restrictions.items():
        account, token = make_token(scope, **restriction)
        clients[name] = bearer(token)
        clients[name].raise_request_exception = False  # a 500 is a finding, not a crash
        if name == "write":
            # The structures' example names the SIAE by its external_id: an update.
            externals.remember(account.user, EXAMPLE_EXTERNAL_ID, "structure", siae.uuid)
    clients["anonymous"] = APIClient(raise_request_exception=False)
    return Sweep(clients)


@pytest.fixture
def openapi():
    return json.loads(APIClient().get("/api/v1/schema/?format=json").content)


def _json(response):
    """A successful answer's JSON object, ``{}`` for anything else."""
    if response.status_code != 200 or response["Content-Type"] != "application/json":
        return {}
    body = json.loads(response.content)
    return body if isinstance(body, dict) else {}


def operation(openapi, route, method):
    return openapi["paths"].get(route.template, {}).get(method, {})


def resolve(openapi, schema):
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def properties(openapi, schema):
    """The property names of a body's schema (of each alternative of a ``oneOf``)."""
    schema = resolve(openapi, schema)
    names = list(schema.get("properties", {}))
    for alternative in schema.get("oneOf", []) + schema.get("anyOf", []):
        names += [n for n in properties(openapi, alternative) if n not in names]
    return names


def list_route(route, routes):
    base = route.name.rsplit("-", 1)[0]
    return next((r for r in routes if r.name == f"{base}-list"), None)


def sample(route, routes, client):
    """Values of the route's path parameters naming an object ``client`` sees, or ``None``."""
    if not route.params:
        return {}
    listing = list_route(route, routes)
    if listing is None:
        return None
    results = _json(client.get(f"{listing.template}?page_size=1")).get("results")
    if not results or any(param not in results[0] for param in route.params):
        return None
    return {param: quote(str(results[0][param]), safe="") for param in route.params}


def unknown_like(value):
    """A well-formed key that names nothing: a fresh UUID, or as many digits."""
    try:
        uuid.UUID(value)
    except ValueError:
        return "1" * len(value) if value.isdigit() else value + "-inconnu"
    return str(uuid.uuid4())


def forged_cursors(client, url):
    """Cursors built from a real one (its keys replaced), and beyond any real one."""
    forged = ["[" * 3000 + "]" * 3000, "x"]
    link = _json(client.get(f"{url}?page_size=1")).get("next")
    if link:
        raw = parse_qs(urlsplit(link).query)["cursor"][0]
        direction, values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        instant = datetime.datetime(2026, 1, 1).isoformat()
        for bad in ["\x00", "\ud800", LONG, f"{instant}+23:59", f"{instant}-23:59", "0001-01-01"]:
            for index in range(len(values)):
                keys = [bad if i == index else v for i, v in enumerate(values)]
                forged.append(json.dumps([direction, keys]))
        forged += [json.dumps([direction, values + values]), json.dumps(["x", values])]
        forged += [json.dumps([direction, [1] * len(values)]), json.dumps({"n": values})]
    return [base64.urlsafe_b64encode(f.encode()).decode().rstrip("=") for f in forged]


def test_malformed_path_parameters(sweep):
    routes = api_routes()
    reader = sweep.clients["write"]
    swept = 0
    for route in routes:
        if not route.params:
            continue
        known = sample(route, routes, reader) or dict.fromkeys(route.params, "0")
        for param in route.params:
            for raw in [*RAW_VALUES, unknown_like(known[param])]:
                url = route.url(**{**known, param: raw})
                for method in [*route.methods, "delete"]:
                    sweep.call(reader, method, url, b"{}")
        swept += 1
    assert swept >= 10, "the resolver gave the API's routes with parameters"
    assert not sweep.failures, sweep.report()


def test_malformed_query_parameters(sweep, openapi):
    routes = api_routes()
    reader = sweep.clients["read"]
    swept = 0
    for route in routes:
        if "get" not in route.methods:
            continue
        known = sample(route, routes, reader)
        if known is None:
            known = dict.fromkeys(route.params, "0")
        base = route.url(**known)
        own = [p["name"] for p in operation(openapi, route, "get").get("parameters", [])]
        names = [*dict.fromkeys([*own, *COMMON_PARAMETERS])]
        for name in names:
            values = RAW_VALUES + QUERY_ONLY
            if name == "cursor":
                values = values + forged_cursors(reader, base)
            for value in values:
                sweep.call(reader, "get", f"{base}?{name}={value}")
            # Repeated, a good value then a bad one.
            sweep.call(reader, "get", f"{base}?{name}=54&{name}=%00")
        sweep.call(reader, "get", f"{base}?%00=1")
        sweep.call(reader, "get", f"{base}?{LONG}={LONG}&" + "&".join(f"p{i}=1" for i in range(50)))
        # Each restricted client, and no client at all, on the bare route.
        for client in sweep.clients.values():
            sweep.call(client, "get", f"{base}?year=2024")
        swept += 1
    assert swept >= 20, "the resolver gave the API's readable routes"
    assert not sweep.failures, sweep.report()


def _example(openapi, op):
    for content in op.get("requestBody", {}).get("content", {}).values():
        for example in (content.get("examples") or {}).values():
            if "value" in example:
                return example["value"]
    return None


def _representation(client, url, names):
    body = _json(client.get(url))
    return {k: v for k, v in body.items() if k in names} or None


def _pick(sweep, route, routes, openapi, method):
    """The client (and address, and base body) of sufficient scope for ``method`` on
    ``route``: the one whose base body is accepted, else refused as invalid (400, 409),
    else any that reaches the route."""
    op = operation(openapi, route, method)
    content = op.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    names = properties(openapi, schema)
    example = _example(openapi, op)
    ranked = []
    for name, client in sweep.clients.items():
        if name == "anonymous":
            continue
        known = sample(route, routes, client)
        if known is None:
            continue
        url = route.url(**known)
        base = example
        if base is None and route.params:
            base = _representation(client, route.url(**known), names)
        if base is None and not route.params:
            results = _json(client.get(f"{route.template}?page_size=1")).get("results")
            base = {k: v for k, v in results[0].items() if k in names} if results else {}
        if "multipart/form-data" in content:
            status = _multipart(sweep, client, method, url, {"kind": "x"})
        else:
            status = sweep.call(client, method, url, json.dumps(base).encode()).status_code
        rank = 0 if status < 300 else 1 if status in (400, 409) else 2
        ranked.append((rank, name, client, url, base))
    if not ranked:
        return None
    _, name, client, url, base = min(ranked, key=lambda item: item[:2])
    return client, url, base, names, content


def _multipart(sweep, client, method, url, fields, file_name="piece.pdf", content=None):
    data = dict(fields)
    if file_name is not None:
        upload = pdf_upload(file_name) if content is None else None
        data["file"] = upload or SimpleUploadedFile(file_name, content)
    body = encode_multipart(BOUNDARY, data)
    return sweep.call(client, method, url, body, content_type=MULTIPART_CONTENT).status_code


def test_malformed_bodies(sweep, openapi):
    routes = api_routes()
    swept = 0
    for route in routes:
        for method in {"post", "put", "patch"} & set(route.methods):
            picked = _pick(sweep, route, routes, openapi, method)
            if picked is None:
                continue
            client, url, base, names, content = picked
            swept += 1
            for body, content_type in WHOLE_BODIES:
                sweep.call(client, method, url, body, content_type)
            if "multipart/form-data" in content:
                for name in names:
                    for bad in ["\x00", "a\x00b", LONG, ""]:
                        _multipart(sweep, client, method, url, {"kind": "x", name: bad})
                for file_name in ["a\x00.pdf", "x" * 300 + ".pdf", "../../etc/passwd", ".pdf"]:
                    _multipart(sweep, client, method, url, {"kind": "x"}, file_name)
                _multipart(sweep, client, method, url, {"kind": "x"}, "vide.pdf", b"")
                _multipart(sweep, client, method, url, {"kind": "x"}, "x.pdf", b"\x00" * 64)
                _multipart(sweep, client, method, url, {"kind": "x"}, None)
                continue
            cases = base if isinstance(base, list) else [base or {}]
            for name in names:
                for bad in BAD_PROPERTIES:
                    mutated = [{**case, name: bad} for case in cases]
                    body = mutated if isinstance(base, list) else mutated[0]
                    sweep.call(client, method, url, json.dumps(body).encode())
    assert swept >= 8, "the schema gave the API's writes and their bodies"
    assert not sweep.failures, sweep.report()


def test_every_route_of_the_resolver_is_swept():
    """The sweep's routes are the resolver's: every resource and view the apps register."""
    templates = {route.template for route in api_routes()}
    assert {"/api/v1/structures/{siret}/", "/api/v1/dossiers/{uuid}/documents/"} <= templates
    assert all(re.fullmatch(r"/api/v1/[\w/{}-]+/", t) for t in templates), templates
