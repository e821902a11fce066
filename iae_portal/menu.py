"""The main menu: entries the apps register from their ``AppConfig.ready()``, which
``{% main_menu %}`` (``iae_portal.templatetags.menu``) renders in ``base.html``.

The core names no domain app (house style). An entry is

- ``label``: its text, or ``label(request)`` for a text that changes (either is HTML,
  written by the app: never user input);
- ``url_name``: where it leads;
- ``section``: the ``nav_section`` of the pages it stands for (``iae_portal.context_processors``),
  which mark it ``aria-current="page"``; ``None`` for an entry never marked (the admin site);
- ``order``: its place in the menu;
- ``show(user)``: who sees it, a predicate from the app's ``perms.py`` (anonymous visitors
  included: it must accept them).

Which entry a page belongs to (``nav_section``, set by ``iae_portal.context_processors``):
an entry's own page belongs to its section; an app names its other pages with
``mark_pages(section, "app:url_name", …)``, and may give a whole URL namespace a section
(``mark_namespace``) for the pages it does not name.

The core's own entries (home, journal, administration, login) are registered below.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import links
from .audit.perms import can_view_journal
from .users.roles import ADMIN, can


@dataclass(frozen=True)
class Entry:
    name: str
    label: object
    url_name: str
    section: str | None
    order: int
    show: Callable

    def text(self, request):
        return self.label(request) if callable(self.label) else self.label


_ENTRIES = {}
_PAGES = {}  # "app:url_name" → section
_NAMESPACES = {}  # URL namespace → section


def register(name, *, label, url_name, section, order, show):
    """Add (or replace: ``ready()`` may run twice) the entry ``name``."""
    if not callable(show):
        raise TypeError(f"menu entry « {name} » needs a predicate, not {show!r}")
    _ENTRIES[name] = Entry(name, label, url_name, section, order, show)
    if section is not None:
        _PAGES[url_name] = section


def unregister(name):
    entry = _ENTRIES.pop(name, None)
    if entry is not None and _PAGES.get(entry.url_name) == entry.section:
        del _PAGES[entry.url_name]


def mark_pages(section, *view_names):
    """The pages ``view_names`` (``"aides:dossier_detail"``) belong to ``section``."""
    _PAGES.update(dict.fromkeys(view_names, section))


def mark_namespace(namespace, section):
    """Pages of ``namespace`` that no one marked belong to ``section``."""
    _NAMESPACES[namespace] = section


def section_of(match):
    """The section of the page resolved as ``match`` (a ``ResolverMatch``), or ``None``."""
    if match is None:
        return None
    return _PAGES.get(match.view_name) or _NAMESPACES.get(match.namespace)


def entries(user):
    """The entries ``user`` sees, in menu order."""
    shown = [entry for entry in _ENTRIES.values() if entry.show(user)]
    return sorted(shown, key=lambda entry: (entry.order, entry.name))


def render(request, user, nav_section):
    """The menu's ``<li>`` items for ``user`` (``nav_section``: the current page's)."""
    items = []
    for entry in entries(user):
        url, label = links.cached(entry.url_name), mark_safe(entry.text(request))  # apps' texts
        if entry.section is None:
            items.append(format_html('<li><a href="{}">{}</a></li>', url, label))
        elif entry.section == nav_section:
            items.append(
                format_html('<li><a href="{}" aria-current="page">{}</a></li>', url, label)
            )
        else:
            items.append(format_html('<li><a href="{}" >{}</a></li>', url, label))
    return mark_safe("\n        ".join(items))  # each item built by format_html


def _logged_in(user):
    return user.is_authenticated


def _anonymous(user):
    return not user.is_authenticated


register("home", label="Accueil", url_name="home", section="home", order=10, show=_logged_in)
register(
    "journal",
    label="Journal",
    url_name="audit:journal",
    section="journal",
    order=100,
    show=can_view_journal,
)
register(
    "admin",
    label="Administration",
    url_name="admin:index",
    section=None,
    order=110,
    show=lambda user: can(user, ADMIN),
)
register(
    "login", label="Se connecter", url_name="login", section="login", order=120, show=_anonymous
)
