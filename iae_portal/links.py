"""Addresses reversed once, for what a page asks many times (a menu's entries, a list's rows).

``reverse()`` walks the URL patterns at each call (≈ 30 µs): a menu of a dozen entries or a
list of a hundred rows with two links each paid it on every page. ``cached(url_name)`` keeps
an argument-less address per URL configuration and script prefix; ``with_key(url_name)``
reverses once with the first key it is given, then puts each next key in that key's place.
Both are keyed by the resolver, which ``clear_url_caches()`` (tests' ``override_settings``)
replaces, so a changed URL configuration is never answered from an old one.
"""

import re
import weakref

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

_CACHED = weakref.WeakKeyDictionary()

# A key an address holds as it is (nothing quoted): letters, digits, dashes (a UUID, a SIRET).
PLAIN_KEY = re.compile(r"[0-9A-Za-z-]+")


def _cache():
    return _CACHED.setdefault(get_resolver(get_urlconf()), {})


def cached(url_name):
    """``reverse(url_name)``, reversed once per URL configuration and script prefix."""
    urls, key = _cache(), (url_name, get_script_prefix())
    if key not in urls:
        urls[key] = reverse(url_name)
    return urls[key]


def with_key(url_name):
    """``url = with_key(url_name)``, then ``url(key)`` for each row."""
    return _Keyed(url_name)


class _Keyed:
    """``url(key)`` is ``reverse(url_name, args=[key])``: reversed for the first plain key
    (``PLAIN_KEY``) found once in its address, then that key replaced by each next one. A key
    that is not plain (it might be quoted) is reversed as usual."""

    def __init__(self, url_name):
        self.url_name, self.around = url_name, None

    def __call__(self, key):
        key = str(key)
        plain = PLAIN_KEY.fullmatch(key) is not None
        if plain and self.around is not None:
            return f"{self.around[0]}{key}{self.around[1]}"
        url = reverse(self.url_name, args=[key])
        if plain and url.count(key) == 1:
            self.around = tuple(url.split(key))
        return url
