"""``iae_portal.compiled``: the SQL sent again gives the queryset's own rows."""

import pytest
from django.db import connection

from iae_portal.compiled import compiled_sql
from structures.models import Department


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
