"""A sync's pages written from each structure's stored JSON (``StructureRepresentation``).

Reading a page of 1,000 structures with their conventions, networks and figures, then
writing it, costs more than a partner's full sync may take (issue 20: 25,000 records a
second; the same reads through psycopg and orjson alone reach 14,000–23,000 on the
machines measured). Each structure's JSON is therefore kept, as ``represent`` writes it,
with what says whether it still holds:

- the structure's ``updated_at`` when it was written: any change to the structure or to its
  conventions, networks and figures moves it (``structures.signals``, the services, the
  imports: the rule the API's ``updated_since`` already relies on);
- ``valid_until``: the first day one of its conventions starts or ends (``active`` then
  changes without any write);
- ``version``: ``FORMAT`` and the time zone its instants are written in.

A page reads the structures' keys and stored JSON in one query; those missing or no longer
holding are represented as they are now: a page is always what ``represent`` writes now.
``refresh`` stores them (``structures.tasks.refresh_representations``: queued by such a
page, after an import, and each night for the conventions starting or ending that day).
"""

import datetime

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from iae_portal.queue import enqueue_quietly

from ..models import Structure, StructureRepresentation
from .serializers import ROW_FIELDS, represent

# The format of ``represent``'s output: raise it with any change of that output, and every
# stored JSON is written again (on the next page that shows it, or by ``refresh``).
FORMAT = 1
STORED = (
    "representation__updated_at",
    "representation__valid_until",
    "representation__version",
    "representation__body",
)
# What a page reads of its structures: the cursor's key, what tells whether the JSON holds.
PAGE_FIELDS = ("uuid", "pk", "updated_at", *STORED)
CHUNK = 1000


def version():
    return f"{FORMAT}:{settings.TIME_ZONE}"


def valid_until(represented, today):
    """The first day after ``today`` when a convention of ``represented`` starts or has
    ended (its ``active`` changes), ``None`` if none will."""
    days = []
    for convention in represented["conventions"]:
        start = datetime.date.fromisoformat(convention["start_date"])
        if start > today:
            days.append(start)
        elif convention["end_date"] is not None:
            end = datetime.date.fromisoformat(convention["end_date"])
            if end >= today:
                days.append(end + datetime.timedelta(days=1))
    return min(days, default=None)


def _holds(row, current, today):
    until = row["representation__valid_until"]
    return (
        row["representation__version"] == current
        and row["representation__updated_at"] == row["updated_at"]
        and (until is None or today < until)
    )


def _represented(structure_ids):
    """``[(row, represented, JSON bytes)]`` of the structures ``structure_ids`` as they are
    now (a structure deleted meanwhile is not there)."""
    rows = list(Structure.objects.filter(pk__in=structure_ids).values(*ROW_FIELDS))
    return [
        (row, represented, orjson.dumps(represented))
        for row, represented in zip(rows, represent(rows), strict=True)
    ]


def write(structure_ids):
    """Represents the structures ``structure_ids`` as they are now and stores it: their
    JSON by id (a structure deleted meanwhile has none)."""
    today = timezone.localdate()
    current = version()
    found = _represented(structure_ids)
    _store(
        [
            StructureRepresentation(
                structure_id=row["pk"],
                # The structure's instant as read with the values written: a change
                # committed since moves the structure's, and the JSON is written again.
                updated_at=row["updated_at"],
                valid_until=valid_until(represented, today),
                version=current,
                body=body.decode(),
            )
            for row, represented, body in found
        ]
    )
    return {row["pk"]: body for row, _, body in found}


UPSERT = (
    "INSERT INTO {table} (structure_id, updated_at, valid_until, version, body)"
    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (structure_id) DO UPDATE SET"
    " updated_at = EXCLUDED.updated_at, valid_until = EXCLUDED.valid_until,"
    " version = EXCLUDED.version, body = EXCLUDED.body"
)


def _store(representations):
    """Inserts or replaces ``representations``. On PostgreSQL one statement sent for each
    (psycopg pipelines them): ``bulk_create`` passes its columns as arrays, whose texts
    psycopg escapes one by one in Python (the bodies: 60 % of writing 1,000 structures)."""
    if connection.vendor != "postgresql":
        StructureRepresentation.objects.bulk_create(
            representations,
            update_conflicts=True,
            unique_fields=["structure"],
            update_fields=["updated_at", "valid_until", "version", "body"],
        )
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            UPSERT.format(table=StructureRepresentation._meta.db_table),
            [
                (r.structure_id, r.updated_at, r.valid_until, r.version, r.body)
                for r in representations
            ],
        )


def page(rows):
    """A page's rows (``PAGE_FIELDS`` values) as their JSON (``orjson.Fragment``, which the
    renderer writes as it is). Those whose stored JSON is missing or stale are represented
    now, and the refresh task queued to store them: a reader writes nothing (two partners'
    first syncs would write the same rows), and a first sync costs what it did before."""
    today = timezone.localdate()
    current = version()
    stale = {row["pk"] for row in rows if not _holds(row, current, today)}
    now = {}
    if stale:
        now = {row["pk"]: body for row, _, body in _represented(stale)}
        _queue_refresh()
    # A stale structure not represented now was deleted meanwhile: it leaves the page.
    bodies = (
        now.get(row["pk"]) if row["pk"] in stale else row["representation__body"] for row in rows
    )
    return [orjson.Fragment(body) for body in bodies if body is not None]


# Set while a refresh is queued and not yet started: a first sync's pages queue one.
QUEUED_KEY = "iae:structures:refresh-queued"


def _queue_refresh():
    if cache.add(QUEUED_KEY, True, timeout=QUEUED_FOR):
        enqueue_quietly("structures.tasks.refresh_representations")


# A refresh not started by then (no worker) is queued again by the next page that needs it.
QUEUED_FOR = 300


def refresh_after_commit():
    """Queues the refresh (unless one is queued and not started, as a page does) when the
    current transaction commits: after a write of many structures (the structures' and the
    DLA's imports), so that the next sync finds their JSON stored instead of representing
    them page after page."""
    transaction.on_commit(_queue_refresh)


def stale():
    """The structures whose stored JSON is missing or no longer holds."""
    today = timezone.localdate()
    return Structure.objects.filter(
        Q(representation__isnull=True)
        | ~Q(representation__updated_at=F("updated_at"))
        | ~Q(representation__version=version())
        | Q(representation__valid_until__lte=today)
    )


def refresh():
    """Writes the stored JSON of every structure that needs it, ``CHUNK`` at a time; how
    many were written."""
    cache.delete(QUEUED_KEY)  # what turns stale from now on queues another refresh
    count, last = 0, 0
    while True:
        chunk = list(
            stale().filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        if not chunk:
            return count
        count += len(write(chunk))
        last = chunk[-1]
