"""Bulk writes of many rows in one statement, for batches.

On PostgreSQL, ``bulk_insert`` draws the new keys from the table's sequence in one query and
sends the rows with ``COPY … FROM STDIN``: about four times faster than ``bulk_create``'s
``INSERT … SELECT FROM UNNEST(arrays)`` on rows carrying a few kilobytes of JSON, where most
of the time goes into escaping each value into an array literal (measured in
``bench/batch.py``; see docs/performance.md). Elsewhere (SQLite) it is ``bulk_create``.
"""

import uuid
from decimal import Decimal

import orjson
from django.db import connections, models, router


def bulk_insert(model, rows):
    """Insert ``rows`` (dicts of attribute name → value; the fields left out take their
    defaults) into ``model``'s table; return the new primary keys, in the order of ``rows``.

    No signal is sent and ``save()`` is not called, as with ``bulk_create``."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows])
        return [instance.pk for instance in created]
    pk = model._meta.pk
    fields = [field for field in model._meta.concrete_fields if field is not pk]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    columns = ", ".join(quote(column) for column in [pk.column, *(f.column for f in fields)])
    prepare = [_copy_preparer(field, connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(rows)],
        )
        keys = [key for (key,) in cursor.fetchall()]
        # COPY goes through psycopg's own cursor: Django's wrapper has no copy().
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for key, row in zip(keys, rows, strict=True):
                copy.write_row(
                    [
                        key,
                        *(
                            to_db(
                                row[field.attname] if field.attname in row else field.get_default()
                            )
                            for field, to_db in zip(fields, prepare, strict=True)
                        ),
                    ]
                )
    return keys


# Django's own fields whose preparation for a save leaves a value of the column's Python
# type unchanged on PostgreSQL: such a value goes to COPY as it is. Checking that costs
# less than the preparation, which was a tenth of a batch (bench/batch.py).
_PLAIN_FIELDS = {
    models.AutoField: int, models.BigAutoField: int, models.ForeignKey: int,
    models.IntegerField: int, models.BigIntegerField: int, models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int, models.SmallIntegerField: int,
    models.BooleanField: bool, models.CharField: str, models.TextField: str,
    models.DecimalField: Decimal, models.UUIDField: uuid.UUID,
}  # fmt: skip


def _copy_preparer(field, connection):
    """How a value of ``field`` goes into a text COPY: a JSON document as its text, written
    by orjson (several times faster than the json module on a batch's results), a plain
    value of a plain field as it is, everything else as Django prepares it for a save."""
    if type(field) is models.JSONField and field.encoder is None:
        return _json_text

    plain = _PLAIN_FIELDS.get(type(field))

    def prepare(value):
        if value is None or type(value) is plain:
            return value
        return field.get_db_prep_save(value, connection)

    return prepare


def _json_text(value):
    if value is None:
        return None
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
