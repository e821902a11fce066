"""Checks on rendered HTML shared by the page tests."""

from collections import Counter
from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.label_targets = Counter(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        if tag == "label" and attrs.get("for"):
            self.label_targets.append(attrs["for"])


def parsed(content):
    parser = _Ids()
    parser.feed(content)
    return parser


def assert_unique_ids(content):
    parser = parsed(content)
    assert {i: n for i, n in parser.ids.items() if n > 1} == {}
    # Every label points to an element of the page.
    assert [t for t in parser.label_targets if t not in parser.ids] == []
    return parser
