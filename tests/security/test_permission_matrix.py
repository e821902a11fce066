"""The permission matrix: every URL pattern the resolver knows × every role and API client ×
own and foreign objects, against the answers written in ``matrix_web`` and ``matrix_api``.

A pattern without a row fails ``test_every_url_pattern_has_a_row``, so a new page cannot
escape; the Django admin is one rule (staff only, ``test_admin_site_is_for_staff_only``).
A refused request must also write nothing: every request runs in a savepoint rolled back
afterwards, and the SQL it sent is read for writes. The world (``matrix_world``) is built
once for the module; each test prints how many combinations it checked (shown with
``-n 0``), and asserts a floor so the matrix cannot silently shrink."""

import json
import re

import pytest
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse

from aides.models import DossierComment
from iae_portal.api.models import ApiClient

from .matrix_api import API, API_TARGETS
from .matrix_table import ALLOWED, Target, judge, parse
from .matrix_web import WEB, WEB_TARGETS
from .matrix_world import CLIENT_NAMES, CLIENTS, ROLE_NAMES, ROLES, build_world

pytestmark = pytest.mark.django_db

WEB_ROWS = parse(WEB, ROLES)
API_ROWS = parse(API, ROLES + CLIENTS)
API_PREFIX, ADMIN_PREFIX = "api/v1/", "admin/"
AREAS = ("core", "structures", "aides", "dla", "clauses")
# Objects that belong to no structure, DLA or facilitator: one variant is enough.
SHARED_OBJECTS = {
    "password_reset_confirm", "aides:scheme_detail", "aides:scheme_edit",
    "aides:scheme_parameters", "aides:campaign_dashboard", "aides:campaign_batches",
    "aides:batch_start", "aides:batch_progress", "aides:batch_archive", "aides:batch_resume",
    "aides:queue_export",
    "api:scheme-detail", "api:campaign-detail", "api/v1/^(?P<path>(?s:.*))$",
    "prepared:detail", "prepared:progress", "prepared:download",
}  # fmt: skip
# Writes a refused request may make: the session, an API client's last use.
HARMLESS_TABLES = {Session._meta.db_table, ApiClient._meta.db_table}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
SAVEPOINT = re.compile(r'^\s*(SAVEPOINT|ROLLBACK TO SAVEPOINT|RELEASE SAVEPOINT)\s+"?(\w+)"?', re.I)
# Combinations checked at least (the table's size when written; it only grows).
FLOORS = {"core": 120, "structures": 660, "aides": 888, "dla": 540, "clauses": 216}
API_FLOOR, TOKENS_FLOOR, ADMIN_FLOOR, POST_ONLY_FLOOR = 1350, 744, 1000, 420


def url_patterns(patterns=None, prefix="", namespace=None):
    """``(key, route)`` of every pattern: its namespaced name, or its route if it has none."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, (namespace, entry.namespace))) or None
            yield from url_patterns(entry.url_patterns, route, inner)
        elif entry.name:
            yield ":".join(filter(None, (namespace, entry.name))), route
        else:
            yield route, route


def area_of(pattern):
    app = pattern.split(":", 1)[0]
    return app if app in AREAS else "core"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    settings = {
        "MEDIA_ROOT": tmp_path_factory.mktemp("matrix-media"),
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "AXES_ENABLED": False,
    }
    with django_db_blocker.unblock(), override_settings(**settings), transaction.atomic():
        world = build_world()
        world.clients = {role: world.client_for(role) for role in ROLES + CLIENTS}
        yield world
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    # Who may download a letter is the question here, not WeasyPrint's rendering.
    monkeypatch.setattr("aides.letters.render_letter_pdf", lambda *args: b"%PDF-1.4\n")
    monkeypatch.setattr("dla.prepared.html_to_pdf", lambda *args: b"%PDF-1.4\n")
    cache.clear()  # API throttling counts
    yield
    cache.clear()


def send(client, method, url, target):
    """The response, and the tables the request wrote to (then rolled back)."""
    options = {}
    if method != "GET" and target.data is not None and target.json:
        options = {"data": json.dumps(target.data), "content_type": "application/json"}
    elif method != "GET" and target.data is not None:
        options = {"data": target.data}
    with transaction.atomic():
        try:
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method.lower())(url, **options)
        finally:
            transaction.set_rollback(True)
    return response, kept_writes(q["sql"] for q in queries.captured_queries) - HARMLESS_TABLES


def kept_writes(statements):
    """The tables written to by ``statements``, but for writes a rollback to a savepoint
    undid (a service refusing midway: nothing of it stays)."""
    kept, savepoints = [], {}
    for sql in statements:
        if write := WRITE.match(sql):
            kept.append(write.group(1))
        elif savepoint := SAVEPOINT.match(sql):
            statement, name = savepoint.group(1).upper(), savepoint.group(2)
            if statement == "SAVEPOINT":
                savepoints[name] = len(kept)
            elif statement == "ROLLBACK TO SAVEPOINT":
                del kept[savepoints[name] :]
    return set(kept)


def who(role):
    return ROLE_NAMES.get(role) or CLIENT_NAMES[role]


def check(world, role, row, target, expected, *, method=None, api=False):
    """What is wrong with ``role``'s request for ``row``, or ``None``."""
    method = method or row.method
    url = target.path(row.pattern, method)
    where = f"{who(role)} × {method} {url} ({row.pattern}, object {row.variant}, line {row.line})"
    try:
        response, written = send(world.clients[role], method, url, target)
    except Exception as error:  # a 500: the test client raises the view's exception
        return f"ERROR: {where}: raised {error!r}"
    problem = judge(
        expected, response, method=method, marker=target.marker, api=api, login_url=reverse("login")
    )
    if problem is None and expected not in ALLOWED and written:
        problem = f"refused, yet wrote to {sorted(written)}"
    if problem is None:
        return None
    leak = expected not in ALLOWED and response.status_code == 200
    return f"{'LEAK' if leak else 'mismatch'}: {where}: {problem}"


def run(world, rows, columns, targets, *, api=False):
    problems, checked = [], 0
    for row in rows:
        builder = targets.get(row.pattern, lambda w, v: Target())
        for role in columns:
            # Built per request: an upload is read once.
            target = builder(world, row.variant)
            problems.append(check(world, role, row, target, row.expected[role], api=api))
            checked += 1
    return [p for p in problems if p], checked


def report(capsys, label, checked):
    with capsys.disabled():
        print(f"\npermission matrix, {label}: {checked} combinations checked")


def test_every_url_pattern_has_a_row():
    patterns = dict(url_patterns())
    routed = {key for key, route in patterns.items() if not route.startswith(ADMIN_PREFIX)}
    web = {row.pattern for row in WEB_ROWS}
    api = {row.pattern for row in API_ROWS}
    assert routed - web - api == set(), "URL patterns without a row in the matrix"
    assert (web | api) - routed == set(), "rows for URL patterns that no longer exist"
    assert all(not patterns[key].startswith(API_PREFIX) for key in web), "API row in WEB"
    assert all(patterns[key].startswith(API_PREFIX) for key in api), "page row in API"
    # Own and foreign: every object a structure, a DLA or a facilitator owns is tried with
    # at least two owners' objects.
    for rows in (WEB_ROWS, API_ROWS):
        for pattern in {row.pattern for row in rows} - SHARED_OBJECTS:
            if "<" in patterns[pattern] or "(?P" in patterns[pattern]:
                variants = {row.variant.split(":")[0] for row in rows if row.pattern == pattern}
                assert {"a", "b"} <= variants, f"{pattern}: own and foreign objects"
    # The Django admin's patterns (/admin/…) are covered by its one rule, tested below.
    assert any(route.startswith(ADMIN_PREFIX) for route in patterns.values())


def test_the_write_check_sees_what_a_request_keeps(world):
    """The "refused, yet wrote" check is not vacuous: an accepted message is seen written;
    a write a rolled-back savepoint undid (a service refusing midway) is not."""
    statements = ['SAVEPOINT "s1"', 'INSERT INTO "t" VALUES (1)', 'ROLLBACK TO SAVEPOINT "s1"']
    assert kept_writes([*statements, 'UPDATE "u" SET v = 1']) == {"u"}
    target = WEB_TARGETS["aides:dossier_comment"](world, "a")
    url = target.path("aides:dossier_comment", "POST")
    response, written = send(world.clients["dA"], "POST", url, target)
    assert response.status_code == 302
    assert DossierComment._meta.db_table in written
    assert not DossierComment.objects.filter(body=target.data["body"]).exists()


@pytest.mark.parametrize("area", AREAS)
def test_web_pages(world, area, capsys):
    rows = [row for row in WEB_ROWS if area_of(row.pattern) == area]
    problems, checked = run(world, rows, ROLES, WEB_TARGETS)
    report(capsys, f"web pages ({area})", checked)
    assert not problems, "\n".join(problems)
    assert checked >= FLOORS[area]


def test_api(world, capsys):
    problems, checked = run(world, API_ROWS, ROLES + CLIENTS, API_TARGETS, api=True)
    report(capsys, "API", checked)
    assert not problems, "\n".join(problems)
    assert checked >= API_FLOOR


def test_api_tokens_open_no_web_page(world, capsys):
    """A Bearer token is no session: on the pages, every client is an anonymous visitor."""
    problems, checked = [], 0
    for row in (row for row in WEB_ROWS if row.method == "GET"):
        for client in CLIENTS:
            target = WEB_TARGETS.get(row.pattern, lambda w, v: Target())(world, row.variant)
            problems.append(check(world, client, row, target, row.expected["an"]))
            checked += 1
    problems = [p for p in problems if p]
    report(capsys, "API tokens on the pages", checked)
    assert not problems, "\n".join(problems)
    assert checked >= TOKENS_FLOOR


def test_post_only_pages_refuse_get(world, capsys):
    """An action's page answers only POST: a GET changes nothing (405, login first)."""
    post_only = {row.pattern for row in WEB_ROWS} - {
        row.pattern for row in WEB_ROWS if row.method == "GET"
    }
    problems, checked = [], 0
    for row in (row for row in WEB_ROWS if row.pattern in post_only):
        target = WEB_TARGETS[row.pattern](world, row.variant)
        for role in ROLES:
            expected = "log" if role == "an" else "405"
            problems.append(check(world, role, row, target, expected, method="GET"))
            checked += 1
    problems = [p for p in problems if p]
    report(capsys, "POST-only pages asked with GET", checked)
    assert not problems, "\n".join(problems)
    assert checked >= POST_ONLY_FLOOR


def test_admin_site_is_for_staff_only(world, capsys):
    """Every pattern under /admin/ is the admin site's: only staff accounts (here, the
    administrator) get past its login; everyone else is sent to it."""
    # The administrator reads every list; some models refuse additions (403).
    urls = {reverse("admin:index"): (200,)}
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls[reverse(f"{name}_changelist")] = (200,)
        urls[reverse(f"{name}_add")] = (200, 403)
    login = reverse("admin:login")
    problems, checked = [], 0
    for url, staff_answers in urls.items():
        for role in ROLES + CLIENTS:
            response, written = send(world.clients[role], "GET", url, Target())
            location = response.get("Location", "")
            if role == "adm":
                good = response.status_code in staff_answers
            else:
                good = response.status_code == 302 and location.startswith(login)
            if not good or (role != "adm" and written):
                problems.append(f"{who(role)} × GET {url}: {response.status_code} {location}")
            checked += 1
    report(capsys, "Django admin", checked)
    assert not problems, "\n".join(problems)
    assert checked >= ADMIN_FLOOR
