"""The list pages' filters: their ``FilterSet`` base, and what they apply, in French, for the
summary of a collapsed filter form (``templates/includes/filter_form.html``): any
django-filter ``FilterSet``."""

import copy
import datetime
import threading
from decimal import Decimal

import django_filters
from django import forms
from django.utils import formats
from django.utils.translation import get_language
from django_filters.filters import FilterMethod
from django_filters.filterset import FilterSetMetaclass

from .options import OptionListFieldMixin


def _copied(filter_):
    """A filter's copy for one filterset: its own ``extra`` (the field's arguments, which a
    filterset may change), the values shared. Its field (``filter_.field``) is made again,
    and a field copies its widget and choices and takes a copy of its queryset."""
    clone = copy.copy(filter_)
    clone.extra = dict(filter_.extra)
    clone.__dict__.pop("_field", None)
    if isinstance(clone.__dict__.get("filter"), FilterMethod):
        clone.method = filter_.method  # a FilterMethod of the copy's own
    return clone


class _Filters(dict):
    """A filterset class's filters, which django-filter deep-copies for each filterset:
    their choices, querysets and widgets, which a field copies again when it is made (on
    the queue's page, with the form's fields: 896 ``deepcopy`` calls a request). Copied as
    ``_copied`` says."""

    def __deepcopy__(self, memo):
        return {name: _copied(filter_) for name, filter_ in self.items()}


class _OwnFields(dict):
    """The fields of a form class made for one filterset's form (``get_form_class``), from
    its filters: the first form takes them as they are; another one made from the same
    class (django-filter makes one) deep-copies them, as any form does."""

    def __deepcopy__(self, memo):
        if getattr(self, "given", False):
            return {name: copy.deepcopy(field, memo) for name, field in self.items()}
        self.given = True
        return dict(self)


class _Metaclass(FilterSetMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_filters = _Filters(new_class.base_filters)
        return new_class


def _render_once(form, template_name=None, context=None, renderer=None):
    """A filterset's form's ``render`` (and ``str``), whose HTML its filterset class keeps
    (``FilterSet.form_rendered_once``)."""
    if template_name or context or renderer:
        return forms.Form.render(form, template_name, context, renderer)
    filterset = form.filterset
    key = filterset.form_rendering_key()
    if key is None:
        return forms.Form.render(form)
    kept = type(filterset)._rendered_forms
    html = kept.get(key)
    if html is None:
        html = forms.Form.render(form)
        with _lock:
            if len(kept) >= type(filterset).rendered_forms_size:
                kept.clear()  # a new start: the forms asked for most come back first
            kept[key] = html
    return html


def _asked(value):
    """What a widget read of the query, as a key: texts, booleans, lists of them; ``None``
    when it holds anything else (a file)."""
    if value is None or type(value) in (str, bool):
        return (type(value), value)
    if isinstance(value, list | tuple):
        items = tuple(_asked(item) for item in value)
        return None if None in items else items
    return None


_lock = threading.Lock()


class FilterSet(django_filters.FilterSet, metaclass=_Metaclass):
    """django-filter's ``FilterSet``, whose filters and form fields are copied once for
    each filterset, not twice deeply (its behaviour otherwise unchanged).

    ``form_rendered_once``: the form's HTML is kept by the process for the same values
    asked (the query's), options (those of option lists, ``iae_portal.options``: the token
    of their reading) and language, when valid. Only for a filterset whose form shows
    nothing else that may change: its other choices constants of the class, none given to
    a form's field directly. A form whose options come from a queryset, or whose filterset
    gave a filter choices of its own (``extra``), is rendered as usual. At most
    ``rendered_forms_size`` forms are kept, then the class starts again."""

    form_rendered_once = False
    rendered_forms_size = 256
    _rendered_forms = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._rendered_forms = {}

    @classmethod
    def forget_rendered_forms(cls):
        """Empties the forms kept by this class and its subclasses."""
        cls._rendered_forms.clear()
        for subclass in cls.__subclasses__():
            subclass.forget_rendered_forms()

    def get_form_class(self):
        form_class = super().get_form_class()  # a class of this filterset's own
        form_class.base_fields = _OwnFields(form_class.base_fields)
        if self.form_rendered_once:
            form_class.filterset = self
            # Django's forms name their ``render`` for these, not a subclass's.
            form_class.render = form_class.__str__ = form_class.__html__ = _render_once
        return form_class

    def form_rendering_key(self):
        """What the form's HTML depends on, or ``None`` when it cannot be kept (invalid:
        its errors come from the database; a value that is not text)."""
        form = self.form
        if form.is_bound and form.errors:
            return None
        asked = []
        for name, field in form.fields.items():
            if form.is_bound:
                # What the widget reads (a range's two keys, a box's presence).
                read = _asked(
                    field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
                )
                if read is None:
                    return None
                asked.append(read)
            options = getattr(field, "options", None)
            if options is not None:
                asked.append(options().token)
            elif isinstance(field, forms.ModelChoiceField):
                return None  # options read from a queryset, which may change
            elif isinstance(field, forms.ChoiceField) and (
                self.filters[name].extra.get("choices")
                is not self.base_filters[name].extra.get("choices")
            ):
                return None  # choices of this filterset's own
        return (get_language(), form.is_bound, form.prefix, form.auto_id, tuple(asked))


class _OptionListChoiceField(OptionListFieldMixin, django_filters.fields.ModelChoiceField):
    pass


class OptionListChoiceFilter(django_filters.ModelChoiceFilter):
    """A ``ModelChoiceFilter`` whose options are ``options()`` (``iae_portal.options``:
    read once per process, not at each request); its queryset checks the value chosen."""

    field_class = _OptionListChoiceField


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
        if getattr(field, "null_label", None) is not None and value == field.null_value:
            return str(field.null_label)  # django-filter's « none » option (not a model)
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
