"""A queryset's SQL compiled once, for a query a hot path sends with other parameters only.

Compiling a query (Django's SQL compiler) can cost more than running it: the API's pages
send the same SQL at every request, the structures of a page being one array parameter.
``compiled_sql(queryset)`` gives what to send again; only on PostgreSQL, and only when no
column of the result needs a conversion the driver does not do (else the rows would differ
from the queryset's: the callers then run the queryset as usual)."""

import copy
import functools
import uuid

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
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


class Statement:
    """A query of fixed shape built and compiled once per process and database, then run
    again with the call's values: ``Statement(lambda uuid: Dossier.objects.filter(uuid=uuid))``
    and ``statement(uuid=…)`` is ``list(build(uuid=…))``, the same instances (related rows
    selected, converters applied), without building the queryset nor compiling its SQL
    again (on a dossier's page: 1.7 ms of the 2.6 its main query costs, the database
    included).

    ``build`` takes keywords and returns a queryset whose SQL depends on their values only
    through its parameters: it must not branch on them, nor read anything else that may
    change (today's date, the active time zone or language: the first build's would stay).
    It is built twice with two sets of stand-ins of the values' types (integers, texts,
    UUIDs, lists of integers given to ``field__any``): the same SQL, and each stand-in found
    as a whole parameter, tell where the values go. Otherwise (a value transformed, as
    ``icontains`` does, another parameter computed from one, SQLite's UUIDs written as texts
    and its lists as a placeholder a value, a stand-in the field refuses, a prefetch, whose
    own queries the stand-ins would fill), and for a value of another type (a list of
    anything but integers included), the queryset is built and run as usual. The SQL is the
    one of the database the queryset names when built (the project has one)."""

    KINDS = (int, str, uuid.UUID, list)

    def __init__(self, build):
        self.build = build
        self._compiled = {}  # the values' names and types → _Compiled or None

    def __deepcopy__(self, memo):
        return self  # one per process, shared (a form's or filter's copies name it)

    def __call__(self, **values):
        kinds = tuple((name, type(value)) for name, value in sorted(values.items()))
        if all(kind in self.KINDS for _, kind in kinds) and all(
            type(item) is int for value in values.values() if type(value) is list for item in value
        ):
            if kinds not in self._compiled:
                self._compiled[kinds] = self._compile(kinds)
            compiled = self._compiled[kinds]
            if compiled is not None:
                return list(compiled.queryset(values))
        return list(self.build(**values))

    def _compile(self, kinds):
        first, second = (_stand_ins(kinds, round_) for round_ in (1, 2))
        found = []
        for stand_ins in (first, second):
            try:
                queryset = self.build(**stand_ins)
                alias = queryset.db
                compiler = queryset.query.get_compiler(alias)
                sql, params = compiler.as_sql()
            except (EmptyResultSet, ValidationError, ValueError, TypeError):
                return None  # a stand-in the query refuses (a text for a number)
            if queryset._prefetch_related_lookups or queryset._known_related_objects:
                return None
            slots = [
                (index, name)
                for index, param in enumerate(params)
                for name, stand_in in stand_ins.items()
                if type(param) is type(stand_in) and param == stand_in
            ]
            found.append((queryset, compiler, sql, tuple(params), slots))
        (queryset, compiler, sql, params, slots), (_, _, other_sql, other, other_slots) = found
        if sql != other_sql or slots != other_slots or {name for _, name in slots} != set(first):
            return None
        placed = {index for index, _ in slots}
        if any(
            a != b
            for index, (a, b) in enumerate(zip(params, other, strict=True))
            if index not in placed
        ):
            return None  # another parameter follows the values
        return _Compiled(alias, queryset, compiler, sql, params, slots)


def _stand_ins(kinds, round_):
    """Values of these types found nowhere else (integers within 32 bits: Django turns an
    integer out of its column's range into an empty result)."""
    stand_ins = {}
    for index, (name, kind) in enumerate(kinds):
        number = 2_000_000_000 - 1000 * round_ - index
        if kind is int:
            stand_ins[name] = number
        elif kind is list:  # of integers, for ``field__any`` (one array on PostgreSQL)
            stand_ins[name] = [number]
        elif kind is str:
            stand_ins[name] = f"\u2042 statement {number}"
        else:
            stand_ins[name] = uuid.UUID(int=number)
    return stand_ins


class _Compiled:
    def __init__(self, alias, queryset, compiler, sql, params, slots):
        self.alias, self.base, self.compiler = alias, queryset, compiler
        self.sql, self.params, self.slots = sql, params, slots

    def queryset(self, values):
        """A copy of the queryset built, whose compiler sends the SQL compiled with the
        values in their places, on this thread's connection."""
        params = list(self.params)
        for index, name in self.slots:
            params[index] = values[name]
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[self.alias]
        compiler.as_sql = lambda *args, **kwargs: (self.sql, tuple(params))
        queryset = self.base._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return queryset


def built_once(build):
    """``build(*args)``, a queryset, built once per process and arguments (at most 64 sets
    of them): each call gives a copy (``all()``), whose rows are its own, never the one
    kept. For a queryset a hot path builds only to check a value with it (a field's)."""
    kept = functools.lru_cache(maxsize=64)(build)

    @functools.wraps(build)
    def copy_of(*args, **kwargs):
        return kept(*args, **kwargs).all()

    return copy_of


def attach(instance, name, rows):
    """What ``prefetch_related(name)`` leaves on ``instance``, with ``rows`` read otherwise
    (a statement's, in the relation's order): ``getattr(instance, name).all()`` (and its
    ``count()``, ``exists()``, ``first()``…) then reads them without a query, each row's
    foreign key to ``instance`` being ``instance``; a ``filter()`` or another order queries
    as usual. For a reverse foreign key (its ``related_name``); the cache is the one
    Django's prefetching fills, replaced if it was filled already."""
    rows = list(rows)
    manager = getattr(instance, name)
    field = manager.field
    for row in rows:
        setattr(row, field.name, instance)
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.pop(field.remote_field.cache_name, None)  # else the manager would give it back
    queryset = manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True  # as a prefetched relation: nothing more to prefetch
    cache[field.remote_field.cache_name] = queryset
    return instance
