"""Template tags of the list pages (``{% load tables %}``, registered in settings.TEMPLATES:
``iae_portal`` is not an app)."""

from django import template

register = template.Library()


@register.simple_block_tag(takes_context=True)
def paginated_table(context, content, label, *, compact=False):
    """``{% paginated_table "Structures" %}<thead>…</thead><tbody>…</tbody>{% endpaginated_table %}``:
    one page of a list as a table in its labelled scrolling box, ``label`` naming both
    with the page number, and the pagination below (``includes/paginated_table.html``)."""
    table = context.template.engine.get_template("includes/paginated_table.html")
    with context.push(table_label=label, table_content=content, compact=compact):
        return table.render(context)
