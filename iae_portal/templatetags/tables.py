"""Template tags of the tables: ``{% load tables %}``."""

from django import template

register = template.Library()


@register.simple_block_tag(takes_context=True)
def scroll_table(context, content, label, *, caption="", compact=False):
    """``{% scroll_table "Suivis à faire" %}<thead>…</thead><tbody>…</tbody>{% endscroll_table %}``:
    a table in its own focusable scrolling box named ``label`` (a wide table never makes the
    page scroll sideways), captioned ``caption`` or else ``label``."""
    return _render(context, "includes/scroll_table.html", content, label, caption, compact)


@register.simple_block_tag(takes_context=True)
def paginated_table(context, content, label, *, compact=False):
    """``{% paginated_table "Structures" %}<thead>…</thead><tbody>…</tbody>{% endpaginated_table %}``:
    one page of a list (``page``) as a ``scroll_table`` named ``label`` with the page number,
    and the pagination below."""
    label = f"{label}, page {context['page'].number}"
    return _render(context, "includes/paginated_table.html", content, label, "", compact)


def _render(context, name, content, label, caption, compact):
    table = context.template.engine.get_template(name)
    with context.push(
        table_content=content, table_label=label, table_caption=caption, compact=compact
    ):
        return table.render(context)
