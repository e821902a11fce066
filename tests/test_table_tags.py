"""``{% scroll_table %}``: a table in its labelled scrolling box; ``{% paginated_table %}``: one
page of a list as such a table, the pagination below. The pages use them instead of each
writing the box, the caption and the pagination again."""

import re

import pytest
from django.core.paginator import Paginator
from django.template import engines
from django.urls import reverse

from iae_portal.templatetags.tables import label_cells
from iae_portal.users.enums import Role
from tests.structures.factories import StructureFactory, UserFactory

TABLE = (
    '{% load tables %}{% paginated_table "Marchés" compact=compact %}'
    "<tbody>{% for n in page.object_list %}<tr><td>{{ n }}</td></tr>{% endfor %}</tbody>"
    "{% endpaginated_table %}"
)


def render(number, *, compact=False):
    page = Paginator(range(1, 8), 3).page(number)
    return engines["django"].from_string(TABLE).render({"page": page, "compact": compact})


def test_the_table_is_in_its_box_named_with_the_page_and_paginated():
    html = render(2)
    box = re.search(
        r'<div class="table-scroll" tabindex="0" role="region" aria-label="([^"]+)">', html
    )
    assert box and box.group(1) == "Marchés, page 2 (défilement horizontal)"
    assert '<caption class="sr-only">Marchés, page 2</caption>' in html
    assert "<tr><td>4</td></tr><tr><td>5</td></tr><tr><td>6</td></tr>" in html
    assert html.index("</table>") < html.index('<nav class="pagination"')
    assert "Page 2 sur 3" in html and "page=1" in html and "page=3" in html
    assert '<table class="table table-stack">' in html


def test_a_table_in_its_box_with_its_own_caption():
    html = (
        engines["django"]
        .from_string(
            '{% load tables %}{% scroll_table "Suivis à faire" caption="Les plus anciens d\'abord" %}'
            "<tbody><tr><td>1</td></tr></tbody>{% endscroll_table %}"
        )
        .render({})
    )
    assert 'aria-label="Suivis à faire (défilement horizontal)"' in html
    assert '<caption class="sr-only">Les plus anciens d\'abord</caption>' in html
    assert "<tbody><tr><td>1</td></tr></tbody>" in html and "pagination" not in html


def test_a_compact_table():
    assert '<table class="table table-compact table-stack">' in render(1, compact=True)


def test_a_scroll_table_does_not_stack():
    html = (
        engines["django"]
        .from_string('{% load tables %}{% scroll_table "T" %}<tbody></tbody>{% endscroll_table %}')
        .render({})
    )
    assert '<table class="table">' in html


def test_a_scroll_table_may_stack_its_rows_on_a_phone():
    html = (
        engines["django"]
        .from_string(
            '{% load tables %}{% scroll_table "File" compact=True stack=True %}'
            "<thead><tr><th>Référence</th></tr></thead><tbody><tr><td>R-1</td></tr></tbody>"
            "{% endscroll_table %}"
        )
        .render({})
    )
    assert '<table class="table table-compact table-stack">' in html
    assert '<td data-label="Référence">R-1</td>' in html


def test_each_cell_of_a_list_carries_its_column_name_for_the_phone_layout():
    """On a phone the rows stack as cards, each cell shown under its column's name: the tag
    writes the names from the header, across column spans, escaped, header cells of rows
    included; a header-less table is left alone."""
    cells = label_cells(
        '<thead><tr><th scope="col">Référence</th><th colspan="2">Montant <span>(€)</span></th>'
        '<th>A &amp; "B"</th></tr></thead>'
        '<tbody><tr class="x"><th scope="row">R-1</th><td class="num">1</td><td>2</td>'
        '<td>3</td></tr><tr><td colspan="3">vide</td><td>4</td></tr></tbody>'
    )
    assert '<th data-label="Référence" scope="row">R-1</th>' in cells
    assert (
        '<td data-label="Montant (€)" class="num">1</td><td data-label="Montant (€)">2</td>'
        in cells
    )
    assert '<td data-label="A &amp; &quot;B&quot;">3</td>' in cells
    assert (
        '<td data-label="Référence" colspan="3">vide</td><td data-label="A &amp; &quot;B&quot;">4</td>'
        in cells
    )
    assert "data-label" not in cells.split("</thead>")[0]
    bare = "<tbody><tr><td>1</td></tr></tbody>"
    assert label_cells(bare) == bare


@pytest.mark.django_db
def test_a_list_page_goes_through_it(client, grand_est):
    StructureFactory.create_batch(2)
    client.force_login(UserFactory(role=Role.INSTRUCTEUR))
    html = client.get(reverse("structures:list")).content.decode()
    assert 'aria-label="Structures, page 1 (défilement horizontal)"' in html
    assert '<caption class="sr-only">Structures, page 1</caption>' in html
    assert '<td data-label="SIRET"' in html
