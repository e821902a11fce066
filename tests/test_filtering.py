"""``iae_portal.filtering.FilterSet``: each filterset has filters and form fields of its own,
copied once (django-filter deep-copies them twice), and behaves as django-filter's."""

import django_filters
import pytest
from django import forms

from iae_portal.filtering import FilterSet
from structures.models import Department, Structure
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
