"""Template tags of the tables: ``{% load tables %}``."""

import re
from html import unescape

from django import template
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

register = template.Library()

HEAD = re.compile(r"<thead\b.*?</thead>", re.S)
HEAD_CELL = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.S)
# A row's start, or a body cell's with its attributes (looked at, not consumed).
ROW_OR_CELL = re.compile(r"<tr\b|<t[dh]\b(?=([^>]*))")
SPAN = re.compile(r'colspan="(\d+)"')


def _labels(content):
    """The column names of the table's header (one per column a ``colspan`` covers)."""
    head = HEAD.search(content)
    if head is None:
        return []
    labels = []
    for attributes, text in HEAD_CELL.findall(head.group()):
        span = SPAN.search(attributes)
        label = " ".join(unescape(strip_tags(text)).split())
        labels.extend([label] * (int(span.group(1)) if span else 1))
    return labels


def label_cells(content):
    """``content`` (a table's ``<thead>`` and ``<tbody>``) with each body cell carrying its
    column's name (``data-label``), which a phone shows before the cell when the rows stack
    as cards (``.table-stack``, app.css). Rows of a header-less table stay as they are.
    One pass over the body, each name escaped once (every list page goes through it)."""
    labels = _labels(content)
    if not labels:
        return content
    head = HEAD.search(content)
    before, body = content[: head.end()], content[head.end() :]
    marks = [f' data-label="{escape(label)}"' if label else "" for label in labels]
    column = 0

    def mark(match):
        nonlocal column
        tag = match.group()
        if tag == "<tr":
            column = 0
            return tag
        attributes, index = match.group(1), column
        span = SPAN.search(attributes) if "colspan" in attributes else None
        column += int(span.group(1)) if span else 1
        return tag + marks[index] if index < len(marks) else tag

    # The rendered template's own HTML, with escaped attributes added.
    return mark_safe(before + ROW_OR_CELL.sub(mark, body))


@register.simple_block_tag(takes_context=True)
def scroll_table(
    context, content, label, *, caption="", compact=False, stack=False, labelled=False
):
    """``{% scroll_table "Suivis à faire" %}<thead>…</thead><tbody>…</tbody>{% endscroll_table %}``:
    a table in its own focusable scrolling box named ``label`` (a wide table never makes the
    page scroll sideways), captioned ``caption`` or else ``label``; with ``stack``, its
    rows stack as cards on a phone, as a list's do (``paginated_table``): each cell named
    by ``label_cells``, unless ``labelled`` (its cells carry their names already)."""
    if stack and not labelled:
        content = label_cells(content)
    return _render(context, "includes/scroll_table.html", content, label, caption, compact, stack)


@register.simple_block_tag(takes_context=True)
def paginated_table(context, content, label, *, compact=False):
    """``{% paginated_table "Structures" %}<thead>…</thead><tbody>…</tbody>{% endpaginated_table %}``:
    one page of a list (``page``) as a ``scroll_table`` named ``label`` with the page number,
    and the pagination below. On a phone its rows stack as cards, each cell under its
    column's name (``label_cells``): a list never scrolls sideways there."""
    label = f"{label}, page {context['page'].number}"
    return _render(
        context, "includes/paginated_table.html", label_cells(content), label, "", compact, True
    )


def _render(context, name, content, label, caption, compact, stack=False):
    table = context.template.engine.get_template(name)
    with context.push(
        table_content=content,
        table_label=label,
        table_caption=caption,
        compact=compact,
        stack=stack,
    ):
        return table.render(context)
