"""The malformed-input sweep of the pages (issue 16, build 1): every URL pattern the resolver
knows but the API's and the Django admin's (``tests/api/`` sweeps the API), asked by an
anonymous visitor, an administrator and a director, with malformed values for each of its
parameters, malformed common, filter and link query parameters, and forms posted with NUL
bytes and huge numbers. No answer may be a 5xx (the test client raises a view's exception:
a 500).

The sweep names no page: the parameters come from the patterns' converters and regexes,
the query parameters from a list of common ones plus the fields of each page's GET forms
and the parameters of its links, the posted forms from each page's POST forms. A new URL
pattern is swept as it is. The
valid values around the malformed one are real objects of the permission matrix's world
(``tests/security/matrix_world``, structure A's) where the matrix gives them, else a value
its converter accepts, so that the views run past their lookups and permission checks."""

import copy
import datetime
import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlencode, urljoin, urlsplit

import pytest
from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from iae_portal.imports import ImportView
from structures.models import Structure
from tests.security.matrix_table import Target
from tests.security.matrix_web import WEB, WEB_TARGETS
from tests.security.matrix_world import build_world
from tests.structures.factories import make_siret

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("/api/", "/admin/")
USERS = ("an", "adm", "dA")  # anonymous, administrator, director of structure A
# Already percent-encoded, as they travel in an address.
MALFORMED = {
    "NUL byte": "%00",
    "NUL inside": "a%00b",
    "minus one": "-1",
    "zero": "0",
    "huge number": "9" * 40,
    "year beyond 9999": "10000",
    "300 characters": "a" * 300,
    "bad UTF-8": "%FF%FE",
    "truncated UTF-8": "%C3%28",
}
# In a query, well-formed keys that name nothing as well.
QUERY_VALUES = {
    **{k: v for k, v in MALFORMED.items() if k not in ("NUL inside", "truncated UTF-8")},
    "unknown SIRET": make_siret(987_654_321),
    "unknown UUID": str(uuid.UUID(int=0x0DDBA11)),
}
UNKNOWN_KEYS = (str(uuid.UUID(int=0x0DDBA11)), make_siret(987_654_321), "inconnu", "1900")
COMMON_QUERY = ("year", "page", "structure", "q", "department", "sort", "per_page", "region")
# Values a converter may accept, tried in order when the matrix has no object to give.
SAMPLES = (str(uuid.UUID(int=0xC0FFEE)), "2024", "csv", "notification", "x", "1")
# Forms whose fields are worth a form error, not a bare 400, when they hold a NUL byte.
MAIN_FORMS = {
    "structures:create",
    "structures:edit",
    "structures:convention_add",
    "structures:figures_add",
    "aides:simulator",
    "aides:scheme_create",
    "aides:campaign_create",
    "aides:dossier_comment",
    "password_change",
}
NUL = "\x00"
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")


@dataclass
class Param:
    name: str
    regex: str

    def accepts(self, encoded):
        value = _decoded(encoded)
        return value is not None and re.fullmatch(self.regex, value) is not None


@dataclass
class Page:
    """A URL pattern as a list of literal texts and parameters, with valid values."""

    key: str
    parts: list
    valid: dict = field(default_factory=dict)
    query: str = ""

    @property
    def params(self):
        return [part for part in self.parts if isinstance(part, Param)]

    def valid_url(self):
        return self.url() + (f"?{self.query}" if self.query else "")

    def url(self, **encoded):
        values = {name: quote(str(value), safe="") for name, value in self.valid.items()}
        values.update(encoded)
        return "/" + "".join(
            values[part.name] if isinstance(part, Param) else part for part in self.parts
        )


def _decoded(encoded):
    try:
        return unquote_to_bytes(encoded).decode()
    except UnicodeDecodeError:
        return None


def _regex_parts(regex):
    """A regex pattern's literal texts and named groups (``^export\\.(?P<fmt>csv|xlsx)$``)."""
    regex = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    parts, position = [], 0
    for match in GROUP.finditer(regex):
        if match.start() < position:
            continue
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(regex[end], 0) if regex[end - 1] != "\\" else 0
            end += 1
        parts.append(re.sub(r"\\(.)", r"\1", regex[position : match.start()]))
        parts.append(Param(match["name"], regex[match.end() : end - 1]))
        position = end
    parts.append(re.sub(r"\\(.)", r"\1", regex[position:]))
    return parts


def _route_parts(pattern):
    parts, position = [], 0
    route = str(pattern._route)
    for match in PARAMETER.finditer(route):
        parts.append(route[position : match.start()])
        parts.append(Param(match["name"], pattern.converters[match["name"]].regex))
        position = match.end()
    parts.append(route[position:])
    return parts


def _parts(pattern):
    if isinstance(pattern, RoutePattern):
        return _route_parts(pattern)
    assert isinstance(pattern, RegexPattern), pattern
    return _regex_parts(pattern._regex)


def url_patterns(entries=None, parts=(), namespace=None):
    """``(key, parts)`` of every pattern: its namespaced name (or its route) and its parts."""
    for entry in get_resolver().url_patterns if entries is None else entries:
        here = (*parts, *_parts(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, (namespace, entry.namespace))) or None
            yield from url_patterns(entry.url_patterns, here, inner)
        else:
            name = ":".join(filter(None, (namespace, entry.name))) if entry.name else None
            yield name or f"unnamed {entry.pattern}", [p for p in here if p != ""]


def _matrix_target(world, key):
    """The matrix's request for structure A's object (or no object) on ``key``, if any."""
    if key not in WEB_TARGETS:
        return Target()
    variants = [line.split()[1] for line in WEB.splitlines() if line.split()[:1] == [key]]
    for variant in sorted(set(variants), key=lambda v: (not v.startswith("a"), v != "-", v)):
        try:
            return WEB_TARGETS[key](world, variant)
        except (KeyError, AttributeError, ValueError):
            continue
    return Target()


def pages(world):
    found = []
    for key, parts in url_patterns():
        page = Page(key, parts)
        if page.url(**{p.name: "x" for p in page.params}).startswith(SKIPPED_PREFIXES):
            continue
        target = _matrix_target(world, key)
        for param in page.params:
            if param.name in target.kwargs:
                page.valid[param.name] = target.kwargs[param.name]
            else:
                page.valid[param.name] = next(s for s in SAMPLES if param.accepts(s))
        page.query = target.query
        found.append(page)
    return found


class Forms(HTMLParser):
    """The forms of a page (method, action and fields ``(kind, name, value)``) and the query
    parameters of its links."""

    def __init__(self):
        super().__init__()
        self.forms, self.link_names = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "?" in (attrs.get("href") or ""):
            query = urlsplit(attrs["href"]).query
            self.link_names |= {name for name, _ in parse_qsl(query, keep_blank_values=True)}
        elif tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "fields": [],
                }
            )
        elif not self.forms or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            self.forms[-1]["fields"].append((kind, attrs["name"], attrs.get("value") or ""))
        elif tag == "button":
            kind = (attrs.get("type") or "submit").lower()
            self.forms[-1]["fields"].append((kind, attrs["name"], attrs.get("value") or ""))
        elif tag in ("select", "textarea"):
            self.forms[-1]["fields"].append((tag, attrs["name"], ""))


def parsed(response):
    parser = Forms()
    if "text/html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode(errors="replace"))
    return parser


def forms_of(response):
    return parsed(response).forms


def query_names(page):
    """The names a parsed page's GET forms and links send as query parameters."""
    names = set(page.link_names)
    for form in page.forms:
        if form["method"] == "get":
            names |= {name for kind, name, _ in form["fields"] if kind != "submit"}
    return names


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    settings = {
        "MEDIA_ROOT": tmp_path_factory.mktemp("malformed-media"),
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "AXES_ENABLED": False,
    }
    with django_db_blocker.unblock(), override_settings(**settings), transaction.atomic():
        world = build_world()
        world.clients = {role: world.client_for(role) for role in USERS}
        world.pages = pages(world)
        world.visits = {}  # (pattern, person): the page asked with valid values, parsed
        yield world
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    # Malformed input is the question here, not WeasyPrint's rendering.
    monkeypatch.setattr("aides.letters.render_letter_pdf", lambda *a: b"%PDF-1.4\n", raising=False)
    monkeypatch.setattr("dla.prepared.html_to_pdf", lambda *a: b"%PDF-1.4\n", raising=False)
    cache.clear()
    yield
    cache.clear()


class Sweep:
    def __init__(self, world):
        self.world, self.problems, self.sent = world, [], 0

    def send(self, role, method, url, data=None):
        """The answer to one request, rolled back; a raised exception is a 500."""
        client = self.world.clients[role]
        cookies = copy.deepcopy(client.cookies)
        self.sent += 1
        try:
            with transaction.atomic():
                try:
                    if method == "GET":
                        return client.get(url)
                    return client.post(url, data or {})
                finally:
                    transaction.set_rollback(True)
                    client.cookies = cookies
                    cache.clear()
        except Exception as error:
            self.problems.append(f"{role} × {method} {url[:160]}: raised {error!r}"[:400])
            return None

    def check(self, role, method, url, data=None, label=""):
        response = self.send(role, method, url, data)
        if response is not None and response.status_code >= 500:
            self.problems.append(f"{role} × {method} {url[:160]} {label}: {response.status_code}")
        return response

    def visit(self, role, page):
        """``page`` asked with valid values, parsed (its forms and links), or ``None``
        when it is no page for ``role`` (a refusal, a redirect); asked once per module."""
        key = (page.key, role)
        if key not in self.world.visits:
            problems, self.problems = self.problems, []
            response = self.check(role, "GET", page.valid_url(), label="valid")
            ok = response is not None and response.status_code == 200
            self.world.visits[key] = (parsed(response) if ok else None, self.problems)
            self.problems = problems
        shown, problems = self.world.visits[key]
        self.problems += problems
        return shown

    def assert_clean(self, capsys, label, floor):
        with capsys.disabled():
            print(f"\nmalformed sweep, {label}: {self.sent} requests")
        assert not self.problems, "\n".join(self.problems)
        assert self.sent >= floor


def test_every_page_pattern_is_swept(world):
    """The sweep's view of the resolver: each pattern's URL, built from its parts with
    valid values, resolves back to that pattern (so the malformed ones go where meant)."""
    assert len(world.pages) >= 70
    for page in world.pages:
        path = page.url()
        match = resolve(path)
        if not page.key.startswith("unnamed "):
            assert match.view_name == page.key, (page.key, path, match.view_name)


def test_malformed_path_parameters(world, capsys):
    """Each parameter of each pattern, the others valid: NUL bytes, -1, 0, a huge number,
    300 characters, bad UTF-8, unknown but well-formed keys. A value its converter refuses
    never reaches a view (asked once); one it accepts is asked by each person (GET, and
    POST but for the anonymous visitor, whom both send to the login page)."""
    sweep = Sweep(world)
    for page in (p for p in world.pages if p.params):
        for param in page.params:
            values = [*MALFORMED.items(), *(("unknown key", k) for k in UNKNOWN_KEYS)]
            for label, value in values:
                url = page.url(**{param.name: value})
                accepted = param.accepts(value)
                for role in USERS if accepted else ("adm",):
                    # An anonymous POST goes to the login page as its GET does.
                    posted = accepted and role != "an"
                    for method in ("GET", "POST") if posted else ("GET",):
                        sweep.check(role, method, url, label=f"{param.name}={label}")
    sweep.assert_clean(capsys, "path parameters", 1000)


def _ask_with(sweep, role, page, names, value, label):
    """``page`` with ``value`` in each of ``names``; when the page refuses them (an answer
    other than 200), each half again, so that one refused parameter hides no other."""
    base = {name: given for name, given in parse_qsl(page.query) if name not in names}
    malformed = "&".join(f"{quote(name, safe='')}={value}" for name in names)
    url = f"{page.url()}?{urlencode(base)}&{malformed}".replace("?&", "?")
    response = sweep.check(role, "GET", url, label=label)
    if response is None or response.status_code == 200 or len(names) == 1:
        return
    if NUL in (_decoded(value) or ""):  # refused before any view
        return
    half = len(names) // 2
    _ask_with(sweep, role, page, names[:half], value, label)
    _ask_with(sweep, role, page, names[half:], value, label)


def test_malformed_query_parameters(world, capsys):
    """Every GET page, as each person, with malformed values in every common query
    parameter, every field of the pages' filter forms and every parameter of their links,
    all at once (a page refusing them is asked again with each half of them)."""
    sweep = Sweep(world)
    swept = set()
    for page in world.pages:
        for role in USERS:
            shown = sweep.visit(role, page)
            if shown is None:
                # No page for this person (a refusal, a redirect): nothing should be read.
                sweep.check(role, "GET", f"{page.url()}?year=-1&page=%FF", label="refused page")
                continue
            names = set(COMMON_QUERY) | query_names(shown)
            names = sorted(names | {name for name, _ in parse_qsl(page.query)})
            swept |= set(names)
            for label, value in QUERY_VALUES.items():
                _ask_with(sweep, role, page, names, value, label)
    with capsys.disabled():
        print(f"\nquery parameters swept: {', '.join(sorted(swept))}")
    sweep.assert_clean(capsys, "query parameters", 1000)


# What the fields of a posted form get: a NUL byte in what a person types or chooses (the
# hidden fields and the first button as the page gave them), in every field, or a number
# beyond any column's range.
POSTED = {"NUL byte": (f"a{NUL}b", False), "NUL everywhere": (NUL, True), "huge": ("9" * 40, False)}


def _post_data(form, value, everything):
    data, button = {}, False
    for kind, name, given in form["fields"]:
        if name == "csrfmiddlewaretoken":
            continue
        if kind == "file":
            # A text file holding the value: an import's CSV, a document to attach.
            data[name] = SimpleUploadedFile("valeur.csv", f"siret\n{value}\n".encode())
        elif kind in ("submit", "button", "image"):
            if everything:
                data[name] = value
            elif not button:
                data[name], button = given, True
        elif kind == "hidden" and not everything:
            data.setdefault(name, given)
        else:
            data[name] = value
    return data


def _shows_an_error(answer):
    """The form again with its errors, or a redirection with an error message."""
    if answer.status_code == 200:
        return b'role="alert"' in answer.content
    queued = list(getattr(answer.wsgi_request, "_messages", []))
    return answer.status_code == 302 and any(m.level == messages.ERROR for m in queued)


def test_forms_posted_with_malformed_fields(world, capsys):
    """Every POST form of every page, as the administrator and the director, posted with a
    NUL byte in each field, or a huge number: never a 5xx; the main forms answer with the
    form's errors."""
    sweep = Sweep(world)
    seen, main_answers = set(), {}
    for page in world.pages:
        for role in ("adm", "dA"):
            shown = sweep.visit(role, page)
            for form in shown.forms if shown is not None else ():
                action = urljoin(page.valid_url(), form["action"])
                path = urlsplit(action).path
                try:
                    target = resolve(path).view_name
                except Resolver404:
                    continue
                names = tuple(sorted(name for _, name, _ in form["fields"]))
                if (
                    form["method"] != "post"
                    or target == "logout"
                    or path.startswith(SKIPPED_PREFIXES)
                    or (role, path, names) in seen
                ):
                    continue
                seen.add((role, path, names))
                for label, (value, everything) in POSTED.items():
                    data = _post_data(form, value, everything)
                    answer = sweep.check(role, "POST", action, data, label=label)
                    if answer is not None and target in MAIN_FORMS and label == "NUL byte":
                        main_answers[(role, target)] = answer
    for (role, target), answer in main_answers.items():
        if not _shows_an_error(answer):
            sweep.problems.append(f"{role} × POST {target}: {answer.status_code}, no form error")
    assert {target for _, target in main_answers} >= MAIN_FORMS
    sweep.assert_clean(capsys, "forms posted with malformed fields", 120)


def test_the_issues_examples_answer_404_or_400_in_french(world):
    """Issue 16, finding 3, as reported: each of these answered 500 on PostgreSQL."""
    siret = world.structure["a"].siret
    examples = {
        "/structures/%00/": 404,
        "/structures/%00/modifier/": 404,
        f"/structures/{siret}/chiffres/%00/": 404,
        f"/structures/{siret}/conventions/%00/": 404,
        "/aides/simulateur/?structure=%00": 400,
        "/clauses/?year=%00": 400,
        "/clauses/?year=-1": 200,  # a filter the form refuses, with its error
        "/clauses/?year=0": 200,
        "/clauses/?year=10000": 200,
        "/clauses/bilan/?year=-1": 404,
        "/clauses/bilan/?year=0": 404,
        "/clauses/bilan/?year=10000": 404,
        "/clauses/bilan.csv?year=10000": 404,
        "/clauses/bilan.csv?year=-1&tableau=acheteurs": 404,
    }
    titles = {
        400: "Requête refusée",
        404: "Page introuvable",
        200: "Certains filtres sont invalides",
    }
    sweep = Sweep(world)
    for url, status in examples.items():
        response = sweep.check("adm", "GET", url)
        assert response is not None, sweep.problems
        assert response.status_code == status, url
        assert titles[status] in response.content.decode(), url


def test_every_import_page_refuses_a_csv_holding_a_nul_byte(world):
    """A CSV file holding a NUL byte is refused by the import pipeline, on every import
    page (found in the resolver), with the line where it is: no column stores one."""
    sweep, found = Sweep(world), 0
    for page in world.pages:
        view_class = getattr(resolve(page.url()).func, "view_class", None)
        if view_class is None or not issubclass(view_class, ImportView):
            continue
        data = {}
        for name, form_field in view_class.form_class().fields.items():
            if isinstance(form_field, forms.FileField):
                content = b"siret,name\n12345678901234,Chantier\x00\n"
                data[name] = SimpleUploadedFile("nul.csv", content, content_type="text/csv")
            elif isinstance(form_field, forms.ChoiceField):
                data[name] = next(value for value, _ in form_field.choices if value)
        response = sweep.check("adm", "POST", page.url(), data, label="CSV with a NUL byte")
        assert response is not None and response.status_code == 200, sweep.problems
        assert "contient un caractère nul (ligne 2)" in response.content.decode(), page.key
        found += 1
    assert found >= 3


def test_an_imported_name_holding_a_nul_byte_is_refused_not_written(world):
    """The proof on the structures' import: a valid line but for a NUL byte in the name
    was planned as fine, then its confirmation failed (PostgreSQL: a 500) or wrote it
    (SQLite). Now the report refuses it and the confirmation writes nothing."""
    siret = make_siret(424_242)
    values = {
        "siret": siret, "name": "Chantier\x00nul", "kind": "ACI", "legal_form": "association",
        "department": "54", "postal_code": "54000", "city": "Nancy", "networks": "",
    }  # fmt: skip
    content = f"{','.join(values)}\n{','.join(values.values())}\n".encode()
    client, url = world.clients["adm"], "/structures/import/"
    with transaction.atomic():
        report = client.post(url, {"file": SimpleUploadedFile("nul.csv", content)})
        assert report.status_code == 200
        token = [v for form in forms_of(report) for _, n, v in form["fields"] if n == "token"]
        with transaction.atomic():  # PostgreSQL: the failed statement ends its savepoint only
            confirmation = client.post(url, {"token": token[0] if token else ""})
        assert confirmation.status_code in (200, 302)
        assert not Structure.objects.filter(siret=siret).exists()
        assert "caractère nul (ligne 2)" in report.content.decode()
        transaction.set_rollback(True)


def test_the_sweep_sees_a_500(world, monkeypatch):
    """The sweep is not vacuous: a view that fails is reported."""
    sweep = Sweep(world)

    def broken(request, *args, **kwargs):
        raise ValueError(f"probe {datetime.date.today()}")

    monkeypatch.setattr("iae_portal.views.home_page.render", broken)
    sweep.check("adm", "GET", "/")
    assert sweep.problems and "probe" in sweep.problems[0]
