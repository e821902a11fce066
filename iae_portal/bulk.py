"""Bulk writes of many rows in one statement, for batches.

On PostgreSQL, ``bulk_insert`` draws the new keys from the table's sequence in one query and
sends the rows with ``COPY … FROM STDIN``: about four times faster than ``bulk_create``'s
``INSERT … SELECT FROM UNNEST(arrays)`` on rows carrying a few kilobytes of JSON, where most
of the time goes into escaping each value into an array literal (measured in
``bench/batch.py``; see docs/performance.md). Elsewhere (SQLite) it is ``bulk_create``.
"""

from django.db import connections, router


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
                            field.get_db_prep_save(
                                row[field.attname] if field.attname in row else field.get_default(),
                                connection,
                            )
                            for field in fields
                        ),
                    ]
                )
    return keys
