"""``iae_portal.filtering.FilterSet``: each filterset has filters and form fields of its own,
copied once (django-filter deep-copies them twice), and behaves as django-filter's."""

import django_filters
import pytest
from django import forms
from django.http import QueryDict

from iae_portal.filtering import FilterSet, OptionListChoiceFilter
from structures.models import Department, Region, Structure
from structures.options import DEPARTMENTS
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


class _Structures(FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        label="Type",
        choices=[("ACI", "ACI"), ("EI", "EI")],
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    name = django_filters.CharFilter(label="Nom", method="filter_name")
    department = django_filters.ModelChoiceFilter(
        label="Département", queryset=Department.objects.all()
    )

    class Meta:
        model = Structure
        fields = []

    def filter_name(self, queryset, name, value):
        self.filtered_on = value
        return queryset.filter(name__icontains=value)


def test_a_filtersets_changes_stay_its_own(grand_est):
    """What a filterset changes in its filters (``extra``, a queryset, as the queue's does
    for its reader's région) reaches neither another filterset nor its class."""
    changed, other = _Structures({}), _Structures({})
    changed.filters["kind"].extra["choices"] = [("AI", "AI")]
    changed.filters["department"].queryset = Department.objects.filter(code="54")

    assert [value for value, _ in changed.form.fields["kind"].choices] == ["AI"]
    assert [value for value, _ in other.form.fields["kind"].choices] == ["ACI", "EI"]
    assert [d.code for d in changed.form.fields["department"].queryset] == ["54"]
    assert other.form.fields["department"].queryset.count() == Department.objects.count()
    base = _Structures.base_filters
    assert base["kind"].extra["choices"] == [("ACI", "ACI"), ("EI", "EI")]
    assert base["department"].queryset.count() == Department.objects.count()
    assert not hasattr(base["kind"], "parent") and "_field" not in base["kind"].__dict__


def test_each_form_has_fields_of_its_own(grand_est):
    first, second = _Structures({"kind": ["ACI"]}), _Structures({"kind": ["XX"]})
    assert first.form.fields["kind"] is not second.form.fields["kind"]
    assert first.form.fields["kind"].widget is not second.form.fields["kind"].widget
    assert first.form.is_valid()
    assert not second.form.is_valid()
    assert "XX n’en fait pas partie" in str(second.form.errors["kind"])


def test_another_form_of_the_same_class_has_fields_of_its_own(grand_est):
    """The form takes the fields made for it; a second form of its class copies them."""
    filterset = _Structures({"kind": ["ACI"]})
    other = type(filterset.form)({"kind": ["XX"]})
    assert other.fields["kind"] is not filterset.form.fields["kind"]
    assert other.fields["kind"].widget is not filterset.form.fields["kind"].widget
    assert filterset.form.is_valid() and not other.is_valid()


def test_a_method_filter_calls_its_own_filterset(grand_est):
    """A filter's ``method`` is looked up on the filterset it was copied for, not another
    one nor its class's (whose filters have no filterset)."""
    StructureFactory(name="Nancy ACI")
    StructureFactory(name="Metz EI", kind="EI")
    nancy, metz = _Structures({"name": "nancy"}), _Structures({"name": "metz", "kind": ["EI"]})

    assert [s.name for s in nancy.qs] == ["Nancy ACI"]
    assert [s.name for s in metz.qs] == ["Metz EI"]
    assert (nancy.filtered_on, metz.filtered_on) == ("nancy", "metz")


# -- A form rendered once (``form_rendered_once``) ------------------------------------


class _Listed(FilterSet):
    """A filterset whose form is kept: constant choices and option lists."""

    form_rendered_once = True
    kind = django_filters.MultipleChoiceFilter(
        label="Type", choices=[("ACI", "ACI"), ("EI", "EI")], distinct=False
    )
    name = django_filters.CharFilter(label="Nom", method="filter_name")
    department = OptionListChoiceFilter(
        label="Département", queryset=Department.objects.all(), options=DEPARTMENTS
    )

    class Meta:
        model = Structure
        fields = []

    def filter_name(self, queryset, name, value):
        return queryset.filter(name__icontains=value)


def _fresh(filterset):
    """The form's HTML rendered now, as any form is."""
    return forms.Form.render(filterset.form)


ASKED = [
    None,
    {},
    {"kind": ["ACI"]},
    {"kind": ["ACI", "EI"], "name": "<b>Chantier</b>"},
    {"department": "57"},
    {"department": "57", "name": "Chantier"},
    {"department": "999"},  # invalid: its error shows
    {"kind": ["XX"]},  # invalid
    {"kind": ["ACI"]},
]


@pytest.mark.parametrize("order", [ASKED, ASKED[::-1]])
def test_a_form_rendered_once_is_the_form_rendered(order, grand_est):
    for data in order * 2:
        query = None if data is None else QueryDict(mutable=True)
        for name, value in (data or {}).items():
            query.setlist(name, value if isinstance(value, list) else [value])
        filterset = _Listed(query)
        assert str(filterset.form) == _fresh(filterset)
        assert filterset.form.__html__() == _fresh(filterset)
    # Kept: the valid forms only, each once.
    assert len(_Listed._rendered_forms) == 6


def test_a_form_rendered_once_follows_its_options(grand_est):
    before = str(_Listed(QueryDict("department=57")).form)
    assert "57 - Moselle<" in before
    moselle = Department.objects.get(code="57")
    moselle.name = "Moselle (renommée)"
    moselle.save()
    after = str(_Listed(QueryDict("department=57")).form)
    assert "57 - Moselle (renommée)<" in after and after != before


def test_a_form_rendered_once_keeps_a_limited_number(grand_est, monkeypatch):
    monkeypatch.setattr(_Listed, "rendered_forms_size", 3)
    for number in range(7):
        str(_Listed(QueryDict(f"name={number}")).form)
        assert 1 <= len(_Listed._rendered_forms) <= 3
    assert not _Structures._rendered_forms  # not kept by a class that does not ask


def test_a_form_rendered_once_with_another_template_renders_as_asked(grand_est):
    filterset = _Listed(QueryDict("kind=ACI"))
    assert filterset.form.render("django/forms/p.html") == forms.Form.render(
        filterset.form, "django/forms/p.html"
    )
    assert not _Listed._rendered_forms


def test_a_form_whose_options_may_change_is_rendered_as_usual(grand_est):
    class Queried(_Listed):
        region = django_filters.ModelChoiceFilter(label="Région", queryset=Region.objects.all())

    assert Queried(QueryDict("")).form_rendering_key() is None
    own = _Listed(QueryDict(""))
    own.filters["kind"].extra["choices"] = [("AI", "AI")]
    assert own.form_rendering_key() is None
    assert 'value="AI"' in str(own.form)
    assert 'value="AI"' not in str(_Listed(QueryDict("")).form)


class _Ranged(_Listed):
    """A filter whose widget reads two keys of the query."""

    created = django_filters.DateFromToRangeFilter(label="Créée")


@pytest.mark.parametrize(
    "queries",
    [
        ["created_after=2024-01-01", "created_after=2025-06-30", "created_before=2024-01-01"],
        ["kind=ACI", "kind=ACI&name=", "kind=ACI&department="],
    ],
)
def test_a_form_rendered_once_reads_the_query_as_its_widgets_do(grand_est, queries):
    for query in queries * 2:
        filterset = _Ranged(QueryDict(query))
        assert str(filterset.form) == _fresh(filterset), query


def test_a_form_rendered_once_takes_its_filters_fields(grand_est):
    """Its fields are its filters' own, not copied again (``_OwnFields``)."""
    filterset = _Listed(QueryDict("kind=ACI"))
    assert filterset.form.fields["kind"] is filterset.filters["kind"].field
    str(filterset.form)
    assert type(_Listed(QueryDict("")).form) is not type(filterset.form)
