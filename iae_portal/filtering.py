"""What a list page's filters apply, in French, for the summary of its collapsed filter form
(``templates/includes/filter_form.html``): any django-filter ``FilterSet``."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import formats


def _flat_choices(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat_choices(label)
        else:
            yield str(value), label


def _is_default(field, value):
    """A value the form shows when nothing is chosen: its initial value, or the first
    option of a list without an empty option (a sort, typically)."""
    if field.initial not in (None, ""):
        return str(value) == str(field.initial)
    # Static choices only: a model's would cost a query.
    if isinstance(field, forms.ChoiceField) and not isinstance(
        field, forms.ModelChoiceField | forms.MultipleChoiceField
    ):
        choices = list(_flat_choices(field.choices))
        return bool(choices) and choices[0][0] != "" and str(value) == choices[0][0]
    return False


def _text(field, value):
    """``value`` as the person chose it, or ``None`` when the label says it all (a box
    ticked)."""
    if value is True:
        return None
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(field.label_from_instance(item) for item in value)
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value)
    if isinstance(field, forms.ChoiceField):
        labels = dict(_flat_choices(field.choices))
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(str(labels.get(str(v), v)) for v in values)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | Decimal | float):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d/m/Y")
    return f"« {value} »"


def active_filters(filterset):
    """``[(label, value text or None)]`` of what a bound ``filterset`` applies, in the form's
    order; empty values, boxes left unticked and defaults are not filters. A page without a
    FilterSet may give anything holding its ``form`` (an object or a dict)."""
    form = getattr(filterset, "form", None)
    if form is None and isinstance(filterset, dict):
        form = filterset.get("form")
    if form is None or not form.is_bound:
        return []
    form.errors  # noqa: B018 -- validates the form
    cleaned = getattr(form, "cleaned_data", {})
    active = []
    for name, field in form.fields.items():
        value = cleaned.get(name)
        if value is None or value is False or value in ("", [], ()):
            continue
        if _is_default(field, value):
            continue
        active.append((str(field.label), _text(field, value)))
    return active
