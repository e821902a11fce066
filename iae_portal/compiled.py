"""A queryset's SQL compiled once, for a query a hot path sends with other parameters only.

Compiling a query (Django's SQL compiler) can cost more than running it: the API's pages
send the same SQL at every request, the structures of a page being one array parameter.
``compiled_sql(queryset)`` gives what to send again; only on PostgreSQL, and only when no
column of the result needs a conversion the driver does not do (else the rows would differ
from the queryset's: the callers then run the queryset as usual)."""

from django.conf import settings
from django.db import connections
from psycopg import adapters, pq
from psycopg.postgres import types

TIMESTAMPTZ = types["timestamptz"].oid
DRIVER_TIMESTAMPTZ_LOADER = adapters.get_loader(TIMESTAMPTZ, pq.Format.TEXT)


def compiled_sql(queryset):
    """``(alias, sql, params, compiler)`` of ``queryset``, or ``None`` where it must run as a
    queryset (not PostgreSQL, or a column needing a converter)."""
    alias = queryset.db
    if connections[alias].vendor != "postgresql":
        return None
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
    if compiler.get_converters(columns):
        return None
    return alias, sql, tuple(params), compiler


def fetch_rows(alias, sql, params):
    """The rows of ``compiled_sql``'s ``sql`` run with ``params``. Their dates and times
    with a time zone come through the driver's own loader, in the connection's time zone
    (UTC, as Django sets it): the same instants as Django's loader gives, which wraps the
    driver's to set the zone again on each value (6 % of the CPU of an API page of 1,000
    structures and their 6,700 timestamps, docs/performance.md)."""
    with connections[alias].cursor() as cursor:
        if settings.USE_TZ:
            cursor.cursor.adapters.register_loader(TIMESTAMPTZ, DRIVER_TIMESTAMPTZ_LOADER)
        cursor.execute(sql, params)
        return cursor.fetchall()
