"""Bulk writes of many rows in one statement, for batches.

On PostgreSQL, ``bulk_insert`` draws the new keys from the table's sequence in one query and
sends the rows with ``COPY … FROM STDIN``: about four times faster than ``bulk_create``'s
``INSERT … SELECT FROM UNNEST(arrays)`` on rows carrying a few kilobytes of JSON, where most
of the time goes into escaping each value into an array literal (measured in
``bench/batch.py``; see docs/performance.md). Elsewhere (SQLite) it is ``bulk_create``.
"""

import datetime
import uuid
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone

from . import fastjson


def bulk_insert(model, rows):
    """Insert ``rows`` (dicts of attribute name → value; the fields left out take their
    defaults) into ``model``'s table; return the new primary keys, in the order of ``rows``.

    No signal is sent and ``save()`` is not called, as with ``bulk_create``."""
    with bulk_inserter(model, len(rows)) as inserter:
        for row in rows:
            inserter.add(row)
    return inserter.keys


@contextmanager
def bulk_inserter(model, size):
    """Insert rows as they are made, at most ``size``: yields an inserter whose
    ``add(row)`` takes a row as ``bulk_insert`` does and returns its position; after the
    block, ``inserter.keys`` holds the new primary keys, in order.

    On PostgreSQL each row goes down the COPY stream as it is added, so the database
    stores the first rows while the caller makes the next ones; elsewhere the rows are
    kept and written with ``bulk_create`` when the block ends. The connection is busy
    with the COPY meanwhile: a query inside the block raises ``QueryDuringCopy`` (on
    every database, so that SQLite tests catch it too) instead of waiting forever."""
    connection = connections[router.db_for_write(model)]
    if not size or connection.vendor != "postgresql":
        inserter = _Collected(size)
        with connection.execute_wrapper(_refuse_queries):
            yield inserter
        if inserter.rows:
            created = model.objects.bulk_create([model(**row) for row in inserter.rows])
            inserter.keys = [instance.pk for instance in created]
    else:
        with connection.cursor() as cursor:
            inserter = _Copied(model, connection, cursor.cursor, size)
            # COPY goes through psycopg's own cursor: Django's wrapper has no copy().
            with (
                cursor.cursor.copy(inserter.sql) as inserter.copy,
                connection.execute_wrapper(_refuse_queries),
            ):
                yield inserter
            inserter.keys = inserter.keys[: inserter.count]


class QueryDuringCopy(RuntimeError):
    pass


def _refuse_queries(execute, sql, params, many, context):
    raise QueryDuringCopy(
        "A query while rows are being inserted: read what the rows need before bulk_inserter."
    )


class _Collected:
    def __init__(self, size):
        self.size, self.rows, self.keys = size, [], []

    def add(self, row):
        if len(self.rows) == self.size:
            raise ValueError("more rows than announced")
        self.rows.append(row)
        return len(self.rows) - 1


class _Copied:
    def __init__(self, model, connection, cursor, size):
        pk = model._meta.pk
        self.fields = [field for field in model._meta.concrete_fields if field is not pk]
        self.prepare = [_copy_preparer(field, connection) for field in self.fields]
        quote = connection.ops.quote_name
        table = model._meta.db_table
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, size],
        )
        self.keys = [key for (key,) in cursor.fetchall()]  # unused ones are gaps, as usual
        self.count = 0
        columns = ", ".join(
            quote(column) for column in [pk.column, *(f.column for f in self.fields)]
        )
        self.sql = f"COPY {quote(table)} ({columns}) FROM STDIN"
        self.copy = None

    def add(self, row):
        if self.count == len(self.keys):
            raise ValueError("more rows than announced")
        self.copy.write_row(
            [
                self.keys[self.count],
                *(
                    to_db(row[field.attname] if field.attname in row else field.get_default())
                    for field, to_db in zip(self.fields, self.prepare, strict=True)
                ),
            ]
        )
        self.count += 1
        return self.count - 1


# Django's own fields whose preparation for a save leaves a value of the column's Python
# type unchanged on PostgreSQL: such a value goes to COPY as it is. Checking that costs
# less than the preparation, which was a tenth of a batch (bench/batch.py) and of a
# structures import (bench/imports.py). A foreign key is its target field's kind.
_PLAIN_FIELDS = {
    models.AutoField: int, models.BigAutoField: int,
    models.IntegerField: int, models.BigIntegerField: int, models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int, models.SmallIntegerField: int,
    models.BooleanField: bool, models.CharField: str, models.TextField: str,
    models.EmailField: str, models.SlugField: str, models.URLField: str,
    models.DecimalField: Decimal, models.UUIDField: uuid.UUID, models.DateField: datetime.date,
}  # fmt: skip


def _copy_preparer(field, connection):
    """How a value of ``field`` goes into a text COPY: a JSON document as its text, written
    by orjson (several times faster than the json module on a batch's results), a plain
    value of a plain field (an aware datetime of a date and time) as it is, everything else
    as Django prepares it for a save."""
    if type(field) is models.JSONField and field.encoder is None:
        return _json_text

    def prepared(value):
        return field.get_db_prep_save(value, connection)

    if type(field) is models.DateTimeField and settings.USE_TZ:

        def prepare(value):
            if value is None or (type(value) is datetime.datetime and timezone.is_aware(value)):
                return value
            return prepared(value)

        return prepare

    plain = _PLAIN_FIELDS.get(
        type(field.target_field if type(field) is models.ForeignKey else field)
    )
    if plain is None:
        return prepared

    def prepare(value):
        if value is None or type(value) is plain:
            return value
        return prepared(value)

    return prepare


def _json_text(value):
    return None if value is None else fastjson.dumps(value)
