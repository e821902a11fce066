"""What a person reads of an audit entry: French words for its action, its fields and their
values, never the codes the services record (``dla.close``, ``closed_on``,
``ingenierie_individuelle``, ``['salaries', 'conseil']``).

The core imports no domain app. Field names and choices come from the models' ``_meta``,
found through the entry's object type: the model's own fields first, then those of the
models that point to it (a service records a diagnostic's or a prestation's fields on the
accompaniment's entry). What ``_meta`` cannot tell (action names, keys that are no field,
choices of a JSON list) each app declares in ``<app>/audit_labels.py``, which the audit
app's ``ready()`` imports (``register``).
"""

import ast
import datetime
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst

ACTIONS = {}  # action code → label
FIELDS = {}  # "app_label.model_name" → {key: label}
VALUES = {}  # "app_label.model_name" → {key: {code: label}}
NUMBERS = {}  # "app_label.model_name" → keys whose values are numbers (no model field)
UNKNOWN_ACTION = "Modification"
EMPTY = "—"
DEPTH = 2  # how far from the entry's model fields are looked for
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
DECIMAL = re.compile(r"^-?\d+\.\d+$")
NUMERIC = re.compile(r"^-?\d+(?:\.\d+)?$")
REPR_LIST = re.compile(r"^\[.*\]$|^\(.*\)$", re.DOTALL)


def register(*, actions=None, model=None, fields=None, values=None, numbers=()):
    """Declares labels: ``actions`` ({code: label}); for ``model`` ("app_label.model_name"),
    ``fields`` ({key: label}), ``values`` ({key: choices or {code: label}}) and ``numbers``
    (keys whose values are numbers, shown in French)."""
    ACTIONS.update(actions or {})
    if model is not None:
        FIELDS.setdefault(model, {}).update(fields or {})
        NUMBERS.setdefault(model, set()).update(numbers)
        for key, choices in (values or {}).items():
            labels = {str(code): str(label) for code, label in dict(choices).items()}
            VALUES.setdefault(model, {})[key] = labels
    _lookup.cache_clear()


def action_label(code):
    return ACTIONS.get(code, UNKNOWN_ACTION)


def actor_name(entry):
    """The author's full name (the recorded label when the account has none or is gone)."""
    actor = entry.actor
    name = actor.get_full_name().strip() if actor is not None else ""
    return name or capfirst(entry.actor_label)


# -- fields ---------------------------------------------------------------------------------


def _model_key(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _names(model):
    """``{key: (label, field or None)}`` that ``model`` itself names: its fields, its
    relations by accessor, and the models related to it by their name."""
    names = {}
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete and field.is_relation:
            related = field.related_model._meta
            label = related.verbose_name if field.one_to_one else related.verbose_name_plural
            names.setdefault(field.get_accessor_name(), (label, None))
            names.setdefault(related.model_name, (related.verbose_name, None))
        elif hasattr(field, "verbose_name"):
            names.setdefault(field.name, (field.verbose_name, field))
            names.setdefault(field.attname, (field.verbose_name, field))  # department_id
            if field.is_relation and field.related_model is not None:
                names.setdefault(field.related_model._meta.model_name, (field.verbose_name, field))
    return names


def _neighbours(model):
    """The models that point to ``model`` (their fields are recorded on its entries)."""
    return [
        field.related_model
        for field in model._meta.get_fields()
        if field.auto_created and not field.concrete and field.is_relation
    ]


@functools.lru_cache(maxsize=4096)
def _lookup(model, key):
    """``(label, field or None)`` for ``key`` on entries of ``model``, or ``None``: the
    label an app declared, else the nearest model's (its own, then its neighbours')."""
    found, seen, level = None, {model}, [model]
    for _ in range(DEPTH + 1):
        found = next((f for f in (_names(c).get(key) for c in level) if f is not None), None)
        if found is not None:
            break
        level = [m for c in level for m in _neighbours(c) if m not in seen]
        seen.update(level)
    declared = FIELDS.get(_model_key(model), {}).get(key)
    if declared is not None:
        return declared, found[1] if found else None
    return found


def field_label(model, key):
    """The French label of ``key`` on an entry of ``model``. A key ``prefix.field`` (a
    sub-object's field: a convention, a membership) reads « prefix : label of field »."""
    found = _lookup(model, key) if model is not None else None
    if found is not None:
        return capfirst(str(found[0]))
    if "." in key:
        prefix, name = key.rsplit(".", 1)
        return f"{_prefix_label(model, prefix)} : {field_label(model, name).lower()}"
    return capfirst(key.replace("_", " "))


def _prefix_label(model, prefix):
    """``convention.CONV-1`` → « Conventionnement CONV-1 »; an e-mail address stays."""
    head, _, rest = prefix.partition(".")
    if "@" in prefix or not rest:
        return prefix
    found = _lookup(model, head) if model is not None else None
    return f"{capfirst(str(found[0]))} {rest}" if found else prefix


# -- values ---------------------------------------------------------------------------------


def _french_list(items):
    items = [item for item in items if item != EMPTY]
    if not items:
        return EMPTY
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} et {items[-1]}"


def _choices(model, key, field):
    declared = VALUES.get(_model_key(model), {}).get(key) if model is not None else None
    if declared:
        return declared
    if field is None:
        return {}
    base = getattr(field, "base_field", field)  # an ArrayField's items
    return {str(code): str(label) for code, label in (base.flatchoices or ())}


def _literal(value):
    """A list's Python repr read back (``"['a', 'b']"``), else the text as it is."""
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value
    return list(parsed) if isinstance(parsed, list | tuple) else value


def _date(value):
    day = parse_date(value)
    return formats.date_format(day, "d/m/Y") if day else value


def _datetime(value):
    moment = parse_datetime(value)
    if moment is None:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "d/m/Y à H:i")


def _number(value, places=None):
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def value_label(model, key, value):
    """``value`` as a person reads it: a choice's label, a date in French, Oui/Non, a list
    joined in French, a decimal with French separators, « — » for nothing."""
    found = _lookup(model, key) if model is not None else None
    field = found[1] if found else None
    number = model is not None and key in NUMBERS.get(_model_key(model), ())
    return _value(value, field, _choices(model, key, field), number=number)


def _is_quantity(field):
    """A numeric field other than a year (a year is never grouped: 2 025)."""
    numeric = (models.IntegerField, models.DecimalField, models.FloatField)
    return (
        isinstance(field, numeric)
        and "year" not in field.name
        and "année" not in str(field.verbose_name)
    )


def _value(value, field, choices, *, number=False):
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, list | tuple):
        return _french_list([_value(item, field, choices, number=number) for item in value])
    if isinstance(value, dict):
        return "; ".join(f"{key} : {_value(item, None, {})}" for key, item in value.items())
    if str(value) in choices:
        return choices[str(value)]
    if isinstance(field, models.BooleanField) and value in ("True", "False"):
        return "Oui" if value == "True" else "Non"
    if isinstance(value, str):
        if REPR_LIST.match(value):  # entries written before lists were kept as lists
            return _value(_literal(value), field, choices)
        if isinstance(field, models.DateTimeField) or ISO_DATETIME.match(value):
            return _datetime(value)
        if isinstance(field, models.DateField) or ISO_DATE.match(value):
            return _date(value)
        quantity = number or (_is_quantity(field) and NUMERIC.match(value))
        if isinstance(field, models.DecimalField) or DECIMAL.match(value) or quantity:
            return _number(value, getattr(field, "decimal_places", None))
        return value
    if isinstance(value, float | Decimal) or (
        isinstance(value, int) and (number or _is_quantity(field))
    ):
        return _number(value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d/m/Y")
    return str(value)


# -- an entry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    created: bool  # nothing before: the page shows the new value alone


def changes(entry):
    """The entry's changes as French rows, in the order recorded."""
    recorded = entry.changes if isinstance(entry.changes, dict) else {}
    return labelled_changes(entry.object_type.model_class(), recorded)


def labelled_changes(model, recorded):
    """``{key: [before, after]}`` of a ``model`` (as ``audit_record`` keeps them, or an
    import's plan) as French rows, in their order."""
    rows = []
    for key, change in recorded.items():
        pair = change if isinstance(change, list | tuple) and len(change) == 2 else [None, change]
        before, after = (value_label(model, _field_key(key), side) for side in pair)
        created = pair[0] in (None, "", [])
        if created and after == EMPTY:
            continue  # a field left blank at creation says nothing
        rows.append(Change(field_label(model, key), before, after, created))
    return rows


def _field_key(key):
    """The field a key's values belong to (``prefix.field`` → ``field``)."""
    return key.rsplit(".", 1)[-1] if "." in key else key
