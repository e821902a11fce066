"""``iae_portal.compiled``: the SQL sent again gives the queryset's own rows."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Prefetch, Q

from iae_portal.compiled import Statement, attach, compiled_sql, fetch_rows
from structures.models import Convention, Department, Region, Structure
from tests.structures.factories import AffiliationFactory, ConventionFactory, StructureFactory


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


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


class Counted:
    """A statement's ``build``, counting its calls."""

    def __init__(self, build):
        self.build, self.calls = build, 0

    def __call__(self, **values):
        self.calls += 1
        return self.build(**values)


@pytest.mark.django_db
def test_statement_gives_the_querysets_instances_and_compiles_once(django_assert_num_queries):
    first, second = (
        StructureFactory(),
        StructureFactory(department=Department.objects.get(code="57")),
    )
    build = Counted(
        lambda uuid: Structure.objects.select_related("department__region").filter(uuid=uuid)
    )
    statement = Statement(build)

    for structure in (first, second, first):
        with django_assert_num_queries(1):  # the related rows selected with it
            (found,) = statement(uuid=structure.uuid)
            region = found.department.region
        expected = Structure.objects.select_related("department__region").get(pk=structure.pk)
        assert _fields(found) == _fields(expected)
        assert _fields(found.department) == _fields(expected.department)
        assert _fields(region) == _fields(expected.department.region)
        assert found._state.db == "default" and not found._state.adding
    assert statement(uuid=uuid.uuid4()) == []
    # Compiled on PostgreSQL (two builds, once); SQLite keeps UUIDs as texts, which the
    # stand-ins are not: each call is built there.
    assert build.calls == (2 if connection.vendor == "postgresql" else 2 + 4)


@pytest.mark.django_db
def test_statement_compiles_related_rows_on_every_database(django_assert_num_queries):
    structure = StructureFactory()
    build = Counted(lambda pk: Structure.objects.select_related("department").filter(pk=pk))
    statement = Statement(build)

    for _ in range(2):
        with django_assert_num_queries(1):
            (found,) = statement(pk=structure.pk)
            assert found.department.name == structure.department.name
    assert build.calls == 2  # compiled once, SQLite too (an integer has its stand-ins)


@pytest.mark.django_db
def test_statement_puts_each_value_in_its_place():
    structures = [StructureFactory(name=f"Même nom {n}") for n in range(3)]
    build = Counted(
        lambda siret, pk: Structure.objects.filter(Q(siret=siret) | Q(pk=pk)).order_by("pk")
    )
    statement = Statement(build)

    for one, other in ((0, 1), (2, 0), (1, 1)):
        found = statement(siret=structures[one].siret, pk=structures[other].pk)
        assert found == sorted({structures[one], structures[other]}, key=lambda s: s.pk)
    assert build.calls == 2  # texts and integers have their stand-ins on every database


@pytest.mark.django_db
def test_statement_runs_the_queryset_when_it_cannot_place_the_values():
    structure, following = StructureFactory(name="Atelier du Lac"), StructureFactory()
    transformed = Counted(lambda name: Structure.objects.filter(name__icontains=name))
    gap = following.pk - structure.pk
    derived = Counted(lambda pk: Structure.objects.filter(pk__in=[pk, pk + gap]).order_by("pk"))
    other_type = Counted(lambda code: Structure.objects.filter(postal_code=code))

    statement = Statement(transformed)
    assert statement(name="du lac") == statement(name="DU LAC") == [structure]
    assert transformed.calls == 2 + 2  # no « du lac » among the parameters: built each time
    assert Statement(derived)(pk=structure.pk) == [structure, following]
    assert Statement(other_type)(code=Decimal("54000")) == list(
        Structure.objects.filter(postal_code="54000")
    )
    assert other_type.calls == 1  # no stand-in for a decimal: built as usual
    as_text = Counted(lambda pk: Structure.objects.filter(pk=pk))  # a text the field converts
    assert Statement(as_text)(pk=str(structure.pk)) == [structure]
    conventions = [ConventionFactory(structure=structure) for _ in range(2)]
    prefetched = Counted(
        lambda pk: Structure.objects.filter(conventions=pk).prefetch_related(
            Prefetch("conventions", queryset=Convention.objects.filter(pk=pk))
        )
    )
    statement = Statement(prefetched)
    for convention in conventions:
        (found,) = statement(pk=convention.pk)
        assert list(found.conventions.all()) == [convention]  # the prefetch has the value


@pytest.mark.django_db
def test_statement_gives_values_and_counts():
    structure = StructureFactory()
    StructureFactory(department=structure.department)
    count = Statement(
        lambda code: (
            Structure.objects.filter(department_id=code)
            .values("department_id")
            .annotate(total=Count("pk"))
            .values_list("total", flat=True)
        )
    )

    assert count(code=structure.department_id) == [2]
    assert count(code="971") == []


@pytest.mark.django_db
def test_statement_sends_a_list_as_one_array_on_postgresql():
    structures = [StructureFactory() for _ in range(3)]
    build = Counted(lambda keys: Structure.objects.filter(pk__any=keys).order_by("pk"))
    statement = Statement(build)

    for chosen in ([0], [2, 0], [0, 1, 2], []):
        keys = [structures[index].pk for index in chosen]
        assert statement(keys=keys) == sorted((structures[i] for i in chosen), key=lambda s: s.pk)
    # One array parameter on PostgreSQL: compiled once; a placeholder a value elsewhere.
    assert build.calls == (2 if connection.vendor == "postgresql" else 2 + 4)
    texts = [str(structures[1].pk)]  # not integers: built as usual
    assert statement(keys=texts) == [structures[1]]
    assert build.calls == (3 if connection.vendor == "postgresql" else 2 + 5)


@pytest.mark.django_db
def test_attach_leaves_the_rows_as_a_prefetch_does(django_assert_num_queries):
    """``attach``: the relation gives the rows read otherwise, without a query, each row's
    foreign key the instance; any other use of the relation queries as usual."""
    structure = StructureFactory()
    first, _ = ConventionFactory(structure=structure), ConventionFactory(structure=structure)
    rows = list(Convention.objects.filter(structure=structure))
    found = Structure.objects.get(pk=structure.pk)

    assert attach(found, "conventions", rows) is found
    with django_assert_num_queries(0):
        assert list(found.conventions.all()) == rows
        assert all(row.structure is found for row in found.conventions.all())
    with django_assert_num_queries(1):
        assert list(found.conventions.filter(pk=first.pk)) == [first]
    prefetched = Structure.objects.prefetch_related("conventions").get(pk=structure.pk)
    assert list(prefetched.conventions.all()) == list(found.conventions.all())
    # Rows given as an iterator; a relation prefetched already gets them instead.
    with django_assert_num_queries(0):
        attach(prefetched, "conventions", iter(rows[:1]))
        assert list(prefetched.conventions.all()) == rows[:1]
        assert prefetched.conventions.count() == 1


@pytest.mark.django_db
def test_a_queryset_built_once_gives_each_caller_its_own_copy():
    from iae_portal.compiled import built_once

    built = []

    @built_once
    def regions(code=None):
        built.append(code)
        found = Region.objects.order_by("code")
        return found if code is None else found.filter(code=code)

    first, second = regions(), regions()
    assert first is not second and built == [None]
    rows = list(first)
    Region.objects.create(code="ZZZ", name="Région ajoutée")
    assert list(first) == rows  # its own rows, read once
    assert [region.code for region in second][-1] == "ZZZ"  # not the first caller's
    assert [region.code for region in regions(code="ZZZ")] == ["ZZZ"]
    assert built == [None, "ZZZ"]
