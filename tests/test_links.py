"""``iae_portal.links``: addresses reversed once give exactly what ``reverse`` gives."""

import uuid

from django.urls import clear_url_caches, reverse, set_script_prefix
from hypothesis import given, settings
from hypothesis import strategies as st

from iae_portal import links

KEYS = st.one_of(
    st.uuids().map(str),
    st.from_regex(r"[0-9]{14}", fullmatch=True),
    st.text(min_size=1, max_size=12).filter(lambda key: "/" not in key),
)


@settings(max_examples=80, deadline=None)
@given(first=KEYS, keys=st.lists(KEYS, max_size=6))
def test_with_key_gives_reverse_for_every_key(first, keys):
    url = links.with_key("structures:detail")
    for key in [first, *keys]:
        assert url(key) == reverse("structures:detail", args=[key])


def test_with_key_keeps_dossier_links():
    url = links.with_key("aides:dossier_detail")
    keys = [uuid.uuid4() for _ in range(3)]
    assert [url(key) for key in keys] == [
        reverse("aides:dossier_detail", args=[key]) for key in keys
    ]


def test_cached_follows_the_script_prefix_and_a_new_configuration():
    home = reverse("home")
    assert links.cached("home") == home
    set_script_prefix("/portail/")
    try:
        assert links.cached("home") == "/portail" + home
    finally:
        set_script_prefix("/")
    clear_url_caches()
    assert links.cached("home") == home
