"""Every data table of the pages scrolls in its own focusable box: at 390 px a wide table
never makes the whole page scroll sideways (issue 14, item 13)."""

import re

from django.conf import settings

TEMPLATES = settings.BASE_DIR / "templates"
TABLE = re.compile(r'<table class="table')
SCROLL_BOX = re.compile(r'<div class="table-scroll" tabindex="0" role="region" aria-label="[^"]+"')


def unboxed_tables():
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in TABLE.finditer(text):
            before = text[: match.start()]
            box = max((m.end() for m in SCROLL_BOX.finditer(before)), default=-1)
            if box == -1 or "</div>" in before[box:]:
                yield f"{path.relative_to(TEMPLATES)}:{before.count(chr(10)) + 1}"


def test_every_table_is_in_a_labelled_scroll_box():
    assert list(unboxed_tables()) == []
