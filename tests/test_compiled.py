"""``iae_portal.compiled``: the SQL sent again gives the queryset's own rows."""

import pytest
from django.db import connection

from iae_portal.compiled import compiled_sql, fetch_rows
from structures.models import Department
from tests.structures.factories import AffiliationFactory


@pytest.mark.django_db
def test_compiled_sql_gives_the_querysets_rows_or_none_off_postgresql():
    queryset = Department.objects.filter(code__in=["54", "57"]).values_list("code", "region_id")
    found = compiled_sql(queryset.order_by("code"))
    if connection.vendor != "postgresql":
        assert found is None
        return
    alias, sql, params, _ = found
    assert alias == "default" and params == ("54", "57")
    with connection.cursor() as cursor:
        cursor.execute(sql, ["57", "54"])
        rows = cursor.fetchall()
    assert rows == list(queryset.order_by("code"))


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled SQL is PostgreSQL's")
def test_fetch_rows_gives_the_querysets_instants():
    """``fetch_rows`` loads times with the driver's own loader: the same instants (and a
    time zone) as Django's, which the API writes in French time."""
    affiliation = AffiliationFactory()
    queryset = type(affiliation).objects.filter(pk=affiliation.pk).values_list("pk", "updated_at")
    alias, sql, params, _ = compiled_sql(queryset)

    rows = fetch_rows(alias, sql, params)

    assert rows == list(queryset)
    ((_, updated_at),) = rows
    assert updated_at.utcoffset() is not None
