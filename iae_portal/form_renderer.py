"""The form renderer: Django's, with the common widgets written in Python.

Django renders every widget through templates (a select includes a template per option):
on a page of filters and bulk forms such as the instruction queue, rendering the widgets
cost more than its queries (bench/load.py). ``FastWidgetsRenderer`` writes the HTML of
Django's own templates for inputs, selects and lists of checkboxes or radios directly,
byte for byte the same (``tests/test_form_renderer.py`` compares both on generated
widgets); anything else — another template, a label or value that is not text — goes
through the templates as before."""

import threading
import uuid
from decimal import Decimal
from html import escape

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

WIDGETS = "django/forms/widgets/"
INPUTS = {f"{WIDGETS}{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "search", "tel",
    "checkbox", "date", "datetime", "time", "color",
)}  # fmt: skip
OPTION = f"{WIDGETS}select_option.html"
INPUT_OPTIONS = {f"{WIDGETS}{name}.html" for name in ("input_option", "checkbox_option", "radio_option")}  # fmt: skip
SELECTS = {f"{WIDGETS}select.html"}
MULTIPLE_INPUTS = {f"{WIDGETS}{name}.html" for name in ("multiple_input", "checkbox_select", "radio")}  # fmt: skip


def _escape(value):
    """``conditional_escape``, a plain text escaped directly: Django's ``escape`` is
    ``html.escape`` behind a wrapper for lazy texts that costs more than the escaping, and
    the forms call it for every option's value, label and attribute."""
    if type(value) is str:
        return escape(value)
    return conditional_escape(value)


class _Unsupported(Exception):
    """A value the templates would localize or format: left to them."""


def _text(value):
    """``{{ value }}`` of a text (escaped unless safe); anything else is the templates'."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str | Promise):
        return _escape(value)
    raise _Unsupported


def _formatted(value):
    """``{{ value|stringformat:'s' }}``: ``%s`` of the value, escaped unless it was safe."""
    text = "%s" % value  # noqa: UP031 (the filter's own formatting)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs):
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_text(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>\n"
    )


# Each template file ends with a newline (attrs.html apart), which an include keeps: the
# functions below give a template's output with it; the renderer strips the outermost.


def _option(option):
    """django/forms/widgets/select_option.html."""
    if option["template_name"] != OPTION:
        raise _Unsupported
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(widget):
    """django/forms/widgets/select.html."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _input_option(option):
    """django/forms/widgets/input_option.html, or checkbox_option/radio_option (which
    include it: one newline more)."""
    if option["template_name"] not in INPUT_OPTIONS:
        raise _Unsupported
    html = _input(option)
    if option["wrap_label"]:
        label_id = option["attrs"].get("id")
        target = f' for="{_text(label_id)}"' if label_id else ""
        html = f"<label{target}>{html} {_text(option['label'])}</label>"
    wrapped = option["template_name"] != f"{WIDGETS}input_option.html"
    return html + ("\n\n" if wrapped else "\n")


def _multiple_input(widget):
    """django/forms/widgets/multiple_input.html (checkbox_select, radio)."""
    attrs = widget["attrs"]
    element_id, css = attrs.get("id"), attrs.get("class")
    parts = ["<div"]
    if element_id:
        parts.append(f' id="{_text(element_id)}"')
    if css:
        parts.append(f' class="{_text(css)}"')
    parts.append(">")
    for group, options, _ in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_input_option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _textarea(widget):
    """django/forms/widgets/textarea.html."""
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>\n"
    )


FAST = {
    **dict.fromkeys(INPUTS, _input),
    f"{WIDGETS}textarea.html": _textarea,
    **dict.fromkeys(SELECTS, _select),
    **dict.fromkeys(MULTIPLE_INPUTS, _multiple_input),
}


# The form's own templates: its <div>s, each field's group, label and (empty) error list.


def _value(value):
    """``{{ value }}`` of what is not a number nor a date (a form, a field, a list of
    errors, a text): its text, escaped unless safe."""
    return _escape(value if isinstance(value, str) else str(value))


def _label(context):
    """django/forms/label.html (and attrs.html)."""
    label = _text(context["label"])
    if not context["use_tag"]:
        return label
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _errors(context):
    """django/forms/errors/list/default.html and ul.html, of no error (else the templates)."""
    if context["errors"]:
        raise _Unsupported
    return ""


def _field(context):
    """django/forms/field.html: a field's label, help, errors and widget."""
    field = context["field"]
    parts = []
    if field.use_fieldset:
        described = field.aria_describedby
        described = f' aria-describedby="{_value(described)}"' if described else ""
        parts.append(f"\n  <fieldset{described}>\n  ")
        if field.label:
            parts.append(_value(field.legend_tag()))
        parts.append("\n")
    else:
        parts.append("\n  ")
        if field.label:
            parts.append(_value(field.label_tag()))
        parts.append("\n")
    parts.append("\n")
    help_text = field.help_text
    if help_text:
        auto_id = field.auto_id
        target = f' id="{_value(auto_id)}_helptext"' if auto_id else ""
        parts.append(f'<div class="helptext"{target}>{help_text!s}</div>')
    errors = field.errors
    parts.append(f"\n{_value(errors) if errors else ''}\n{_value(field)}")
    if field.use_fieldset:
        parts.append("</fieldset>")
    return "".join(parts)


def _div(context):
    """django/forms/div.html: the whole form, a <div> a field."""
    errors, fields, hidden = context["errors"], context["fields"], context["hidden_fields"]
    hidden_html = "".join(_value(field) for field in hidden)
    parts = [_value(errors), "\n"]
    if errors and not fields:
        parts.append(f"\n  <div>{hidden_html}</div>\n")
    parts.append("\n")
    last = len(fields) - 1
    for index, (field, _) in enumerate(fields):
        classes = field.css_classes()
        classes = f' class="{_value(classes)}"' if classes else ""
        parts.append(f"\n  <div{classes}>\n    {_value(field.as_field_group())}\n    ")
        if index == last:
            parts.append(f"\n      {hidden_html}\n    ")
        parts.append("\n</div>\n")
    parts.append("\n")
    if not fields and not errors:
        parts.append(f"\n  {hidden_html}\n")
    parts.append("\n")
    return "".join(parts)


FORMS = "django/forms/"
FAST_FORMS = {
    f"{FORMS}label.html": _label,
    f"{FORMS}errors/list/default.html": _errors,
    f"{FORMS}errors/list/ul.html": _errors,
    f"{FORMS}field.html": _field,
    f"{FORMS}div.html": _div,
}


class FastWidgetsRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        fast = FAST.get(template_name)
        if fast is not None:
            widget = context.get("widget")
            if widget is not None and widget.get("template_name") == template_name:
                try:
                    return mark_safe(fast(widget).strip())
                except (_Unsupported, KeyError, TypeError):
                    pass
        else:
            fast = FAST_FORMS.get(template_name)
            if fast is not None:
                try:
                    return mark_safe(fast(context).strip())
                except (_Unsupported, KeyError, TypeError):
                    pass
        return super().render(template_name, context, request)


# -- Choice widgets rendered once -------------------------------------------------------

_SIMPLE = (str, int, bool, type(None))
# Values whose text a rendering writes the same way in the same language: not a date or a
# time (the time zone), nor a float.
_KEYED = (str, int, bool, type(None), Decimal, uuid.UUID, ModelChoiceIteratorValue)


class _Uncacheable(Exception):
    """Something the key of a rendering cannot hold for sure: rendered as usual."""


def _key_of(value):
    """What a value contributes to a rendering: its type (a number is localized, a safe
    text is not escaped, a tuple is not a list) and its text (a lazy one read in the
    active language, which is in the key too)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, list | tuple):
        return (type(value), tuple(_key_of(item) for item in value))
    if isinstance(value, dict):
        return (type(value), tuple((_key_of(name), _key_of(item)) for name, item in value.items()))
    if not isinstance(value, _KEYED):
        raise _Uncacheable
    return (type(value), str(value))


class RenderedOnce:
    """A choice widget (``Select``, ``CheckboxSelectMultiple``…) whose HTML this process
    keeps for the same name, value, attributes, options and language: a list page's filters
    (the instruction queue's: some eighty options and boxes) were rebuilt option by option
    at each request, most of them the same as the request before. The options are still
    read at each rendering (a queryset's too, once): only Django's building of each option
    and its writing are skipped when nothing that shows has changed. A widget with an
    attribute, a value or an option the key cannot hold (a date, whose text follows the
    time zone; an object) renders as usual. ``tests/test_form_renderer.py`` compares with
    the plain widgets on generated sequences of renderings.

    The key holds the options' values and labels as texts, or for an option list
    (``iae_portal.options``) the token of its reading: a subclass that writes more of
    an option (attributes read from its model instance, say) must not use it. At most
    ``rendered_size`` renderings are kept (a few kilobytes each), then the cache starts
    again."""

    rendered_size = 512
    _rendered = {}
    _lock = threading.Lock()

    def render(self, name, value, attrs=None, renderer=None):
        for_rendering = getattr(self.choices, "for_rendering", None)
        if for_rendering is not None:
            # An option list's (iae_portal.options): named by its reading, not its texts.
            options_key, choices = for_rendering()
        else:
            choices = list(iter(self.choices))  # a queryset's options: read once (no count)
            options_key = None
        try:
            key = self._rendering_key(name, value, attrs, renderer, choices, options_key)
        except _Uncacheable:
            key = None
        if key is not None:
            html = self._rendered.get(key)
            if html is not None:
                return html
        self.choices = choices
        html = super().render(name, value, attrs, renderer)
        if key is not None:
            with self._lock:
                if len(self._rendered) >= self.rendered_size:
                    self._rendered.clear()  # a new start: the page's few renderings come back
                self._rendered[key] = html
        return html

    def _rendering_key(self, name, value, attrs, renderer, choices, options_key=None):
        state = []
        for attribute, setting in sorted(vars(self).items()):
            if attribute in ("_choices", "choices", "attrs"):
                continue
            if not isinstance(setting, _SIMPLE):
                raise _Uncacheable
            state.append((attribute, type(setting), setting))
        return (
            type(self),
            type(renderer),
            get_language(),
            tuple(state),
            _key_of(name),
            _key_of(self.format_value(value)),
            _key_of(self.build_attrs(self.attrs, attrs)),
            # An option list's reading: its first options' texts and its token.
            ("options", _key_of(options_key[0]), options_key[1])
            if options_key is not None
            else _key_of(choices),
        )


class RenderedOnceSelect(RenderedOnce, forms.Select):
    pass


class RenderedOnceCheckboxes(RenderedOnce, forms.CheckboxSelectMultiple):
    pass
