"""The form renderer: Django's, with the common widgets written in Python.

Django renders every widget through templates (a select includes a template per option):
on a page of filters and bulk forms such as the instruction queue, rendering the widgets
cost more than its queries (bench/load.py). ``FastWidgetsRenderer`` writes the HTML of
Django's own templates for inputs, selects and lists of checkboxes or radios directly,
byte for byte the same (``tests/test_form_renderer.py`` compares both on generated
widgets); anything else — another template, a label or value that is not text — goes
through the templates as before."""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
INPUTS = {f"{WIDGETS}{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "search", "tel",
    "checkbox", "date", "datetime", "time", "color",
)}  # fmt: skip
OPTION = f"{WIDGETS}select_option.html"
INPUT_OPTIONS = {f"{WIDGETS}{name}.html" for name in ("input_option", "checkbox_option", "radio_option")}  # fmt: skip
SELECTS = {f"{WIDGETS}select.html"}
MULTIPLE_INPUTS = {f"{WIDGETS}{name}.html" for name in ("multiple_input", "checkbox_select", "radio")}  # fmt: skip


class _Unsupported(Exception):
    """A value the templates would localize or format: left to them."""


def _text(value):
    """``{{ value }}`` of a text (escaped unless safe); anything else is the templates'."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str | Promise):
        return conditional_escape(value)
    raise _Unsupported


def _formatted(value):
    """``{{ value|stringformat:'s' }}``: ``%s`` of the value, escaped unless it was safe."""
    text = "%s" % value  # noqa: UP031 (the filter's own formatting)
    return text if isinstance(value, SafeData) else conditional_escape(text)


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


FAST = {
    **dict.fromkeys(INPUTS, _input),
    **dict.fromkeys(SELECTS, _select),
    **dict.fromkeys(MULTIPLE_INPUTS, _multiple_input),
}


class FastWidgetsRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        fast = FAST.get(template_name)
        widget = context.get("widget") if fast is not None else None
        if widget is not None and widget.get("template_name") == template_name:
            try:
                return mark_safe(fast(widget).strip())
            except (_Unsupported, KeyError, TypeError):
                pass
        return super().render(template_name, context, request)
