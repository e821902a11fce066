"""Every list, page or API, costs the same number of queries whatever its page's size
(docs/STYLE: query counts are part of a page's contract).

The lists are found, not listed: an API pattern is a list when its view is a viewset's
``list`` with a paginator; a page is one when, asked by someone allowed (the permission
matrix's tables say who, and with which object), it pages through
``django.core.paginator.Paginator`` or renders ``{% paginated_table %}``. Each list found
must have its entry in ``PAGES`` or ``API`` (who asks it, with what, and which rows of
``tests.list_world`` fill it), so a new list cannot escape, as a new URL cannot escape the
matrix. Each is then asked at 25 and at 100 rows a page (``?per_page=`` for the pages,
``?page_size=`` for the API; a page of fixed size: its first, full page and its last,
shorter one) and must send as many queries for both.

The world is the matrix's, with ``list_world.LIST_ROWS`` more of everything, built once
for the module in a transaction rolled back at its end; each request runs in a savepoint
rolled back too (a list may write: notifications shown are marked read)."""

import re
from dataclasses import dataclass
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from iae_portal.pagination import PAGE_SIZES
from structures.models.structure import StructureQuerySet

from .list_world import ListRows
from .security import test_permission_matrix as matrix
from .security.matrix_table import ALLOWED, Target, parse
from .security.matrix_web import WEB, WEB_TARGETS
from .security.matrix_world import ROLES

# The matrix's fixtures: its world, built once for the module, and PDFs not rendered.
world, _no_pdf_rendering = matrix.world, matrix._no_pdf_rendering
url_patterns = matrix.url_patterns

pytestmark = pytest.mark.django_db

# The pages' smallest and largest sizes (25, 100), asked of the API too.
SMALL, LARGE = PAGE_SIZES[0], PAGE_SIZES[-1]
API_PREFIX, ADMIN_PREFIX = "api/v1/", "admin/"
PARAMETER = re.compile(r"<|\(\?P")


@dataclass(frozen=True)
class List:
    """Who asks the list (a column of the matrix), the rows that fill it (a set of
    ``ListRows``), the URL's kwargs (a function of the world) and query; ``fixed``: the
    page's size is not the reader's to choose."""

    roles: tuple
    rows: str
    kwargs: object = None
    query: str = ""
    fixed: bool = False

    def url(self, world, pattern):
        url = reverse(pattern, kwargs=self.kwargs(world) if self.kwargs else None)
        return f"{url}?{self.query}&" if self.query else f"{url}?"


def lot_a(world):
    return {"uuid": world.lot["a"].uuid}


# fmt: off
PAGES = {
    "structures:list":            List(("adm", "lec"), "structures"),
    "structures:project_list":    List(("adm",), "projects", fixed=True),
    "aides:my_dossiers":          List(("dA",), "dossiers", fixed=True),
    "aides:notifications":        List(("dA",), "notifications", fixed=True),
    "aides:queue":                List(("ins", "adm"), "dossiers"),
    "aides:campaign_list":        List(("adm",), "campaigns", fixed=True),
    "aides:opinion_request_list": List(("adm", "ptn"), "opinion_requests", fixed=True),
    "dla:list":                   List(("adm", "dX"), "accompaniments"),
    "audit:journal":              List(("adm",), "audit_entries"),
    "clauses:list":               List(("adm", "f1"), "lots"),
    "clauses:agreements":         List(("adm", "f1"), "agreements"),
    "clauses:programme":          List(("adm", "f1"), "purchases"),
    "clauses:lot_candidates":     List(("adm", "f1"), "activities", kwargs=lot_a),
    "clauses:offers":             List(("dA",), "lots"),
}
API = {
    "api:structure-list":          List(("tR", "t54"), "structures"),
    "api:structure-activity-list": List(("tR",), "activities"),
    "api:scheme-list":             List(("tR",), "schemes"),
    "api:campaign-list":           List(("tR",), "campaigns"),
    "api:dossier-list":            List(("tR", "tsA"), "dossiers"),
    "api:opinion-request-list":    List(("tR",), "opinion_requests"),
    "api:financing-plan-list":     List(("tR", "tsA"), "financing_plans"),
    "api:clauses-marche-list":     List(("tR", "tf1"), "lots"),
    "api:clauses-lot-list":        List(("tR", "tf1"), "lots"),
    "api:clauses-heures-list":     List(("tR", "tf1"), "hours"),
    "api:clauses-achat-list":      List(("tR", "tf1"), "purchases"),
    "api:clauses-interet-list":    List(("tR", "tf1"), "interests"),
    "api:dla-accompaniment-list":  List(("tR", "tdX"), "accompaniments"),
    "api:dla-prestation-list":     List(("tR", "tdX"), "prestations"),
    "api:social-report-list":      List(("tR",), "social_reports"),
    "api:deletion-list":           List(("tR",), "deletions"),
}
# fmt: on


@pytest.fixture(scope="module")
def lists(world, django_db_blocker):
    """The matrix's world (its people and API clients logged in) with the rows that fill
    every list, rolled back with it at the module's end."""
    with django_db_blocker.unblock():
        rows = ListRows(world)
        for entry in (*PAGES.values(), *API.values()):
            getattr(rows, entry.rows)
    return world


@dataclass
class Answer:
    status: int
    queries: int
    pages: list  # the pages a Paginator gave during the request
    paginated_table: bool
    response: object


def ask(client, url):
    """The answer to a GET of ``url``, and what it cost; nothing it wrote stays."""
    pages, page = [], Paginator.page

    def recorded(paginator, number):
        pages.append(page(paginator, number))
        return pages[-1]

    cache.clear()
    with mock.patch.object(Paginator, "page", recorded), transaction.atomic():
        try:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
        finally:
            transaction.set_rollback(True)
    templates = {t.name for t in getattr(response, "templates", [])}
    tag = "includes/paginated_table.html" in templates
    return Answer(response.status_code, len(queries), pages, tag, response)


def api_lists():
    """The API patterns whose GET is a viewset's ``list`` through a paginator."""
    found = set()
    for key, route, callback in _callbacks():
        view = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", None) or {}
        lists = actions.get("get") == "list" or (not actions and hasattr(view, "list"))
        if route.startswith(API_PREFIX) and getattr(view, "pagination_class", None) and lists:
            found.add(key)
    return found


def _callbacks():
    """``(key, route, view)`` of every pattern, keys as ``url_patterns`` gives them."""
    keys = iter(url_patterns())
    for entry in _flat(get_resolver().url_patterns):
        key, route = next(keys)
        yield key, route, entry.callback


def _flat(patterns):
    for entry in patterns:
        if hasattr(entry, "url_patterns"):
            yield from _flat(entry.url_patterns)
        else:
            yield entry


WEB_ROWS = parse(WEB, ROLES)


def probe(pattern, route):
    """``(role, Target)`` to GET ``pattern`` as someone the matrix lets in (the list's
    first reader if it has an entry), or ``None`` when the matrix has no such row."""
    preferred = PAGES[pattern].roles if pattern in PAGES else ()
    for row in (r for r in WEB_ROWS if r.pattern == pattern and r.method == "GET"):
        allowed = [role for role in ROLES if row.expected[role] in ALLOWED]
        for role in (*preferred, "adm", *allowed):
            if role in allowed:
                builder = WEB_TARGETS.get(pattern, lambda w, v: Target())
                return role, lambda world, builder=builder, row=row: builder(world, row.variant)
    if not PARAMETER.search(route):
        return "adm", lambda world: Target()
    return None


def test_every_list_has_an_entry(lists, capsys):
    """Lists found = lists in the tables, for the API (its views) and the pages (asked)."""
    world = lists
    patterns = dict(url_patterns())
    assert api_lists() - set(API) == set(), "API lists without an entry in API"
    assert set(API) - api_lists() == set(), "entries in API that are no API list"
    gets = {row.pattern for row in WEB_ROWS if row.method == "GET"}
    found, unprobed, asked = set(), set(), 0
    for pattern, route in patterns.items():
        if route.startswith((API_PREFIX, ADMIN_PREFIX)) or (
            pattern in {row.pattern for row in WEB_ROWS} and pattern not in gets
        ):
            continue  # the API, the admin site, POST-only pages
        how = probe(pattern, route)
        if how is None:
            unprobed.add(pattern)
            continue
        role, target = how
        target = target(world)
        answer = ask(world.clients[role], target.path(pattern))
        asked += 1
        assert answer.status < 500, pattern
        if (
            answer.pages
            or answer.paginated_table
            or "page_sizes" in (answer.response.context or {})
        ):
            found.add(pattern)
    with capsys.disabled():
        print(f"\nlists: {asked} pages asked, {len(found)} lists found")
    assert unprobed == set(), "pages with parameters and no GET row in the matrix"
    assert found - set(PAGES) == set(), "paginated pages without an entry in PAGES"
    assert set(PAGES) - found == set(), "entries in PAGES that do not paginate"
    assert len(found) >= 14 and asked >= 100


def cases(table):
    return [
        pytest.param(pattern, role, id=f"{pattern}-{role}")
        for pattern, entry in table.items()
        for role in entry.roles
    ]


@pytest.mark.parametrize(("pattern", "role"), cases(PAGES))
def test_page_queries_do_not_grow_with_its_size(lists, pattern, role):
    world = lists
    entry = PAGES[pattern]
    client, url = world.clients[role], entry.url(world, pattern)
    ask(client, url)  # a first request may fill caches (content types, the session)
    if entry.fixed:
        large = ask(client, f"{url}page=1")
        last = large.pages[-1].paginator.num_pages
        small = ask(client, f"{url}page={last}")
    else:
        small = ask(client, f"{url}per_page={SMALL}")
        large = ask(client, f"{url}per_page={LARGE}")
    assert small.status == large.status == 200
    small_rows, large_rows = (len(a.pages[-1].object_list) for a in (small, large))
    if not entry.fixed:
        assert (small_rows, large_rows) == (SMALL, LARGE), "not enough rows to fill the pages"
    assert small_rows < large_rows, "the last page is as full as the first"
    assert small.queries == large.queries, (
        f"{pattern} as {role}: {small.queries} queries for {small_rows} rows, "
        f"{large.queries} for {large_rows}"
    )


@pytest.mark.parametrize(("pattern", "role"), cases(API))
def test_api_list_queries_do_not_grow_with_its_size(lists, pattern, role):
    world = lists
    client, url = world.clients[role], API[pattern].url(world, pattern)
    client.get(url)  # the first request of a client records its last use
    small = ask(client, f"{url}page_size={SMALL}")
    large = ask(client, f"{url}page_size={LARGE}")
    assert small.status == large.status == 200, large.response.content[:300]
    rows = [len(a.response.json()["results"]) for a in (small, large)]
    assert rows == [SMALL, LARGE], "not enough rows to fill the pages"
    assert small.queries == large.queries, (
        f"{pattern} as {role}: {small.queries} queries for {SMALL} rows, "
        f"{large.queries} for {LARGE}"
    )


def test_the_count_sees_a_query_per_row(lists):
    """The comparison is not vacuous: the structures list without its ``select_related``
    reads each row's département, and sends more queries at 100 rows than at 25."""
    world = lists
    url = PAGES["structures:list"].url(world, "structures:list")
    for_list = StructureQuerySet.for_list
    with mock.patch.object(
        StructureQuerySet, "for_list", lambda qs: for_list(qs).select_related(None)
    ):
        small, large = (ask(world.clients["adm"], f"{url}per_page={n}") for n in (SMALL, LARGE))
    assert small.queries < large.queries
