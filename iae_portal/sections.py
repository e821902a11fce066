"""Registries of page sections: what each app shows on pages it does not own.

The core names no domain app (house style): the structure page and the home page list the
sections apps register from their ``AppConfig.ready()``, and render those that apply to the
reader. A section is

- ``who``: the roles it is for (a role, or a collection of roles), or a predicate on the
  user; ``None`` for everyone logged in;
- ``template``: rendered with what ``context`` returns, plus ``request``, ``user`` and the
  page's object(s) under the names the page gives them;
- ``context(request, *objects)``: a dict, or ``None`` when the reader may see nothing of it
  (the app's ``perms.py`` decides), which leaves the section out;
- ``order``: where it goes on the page (then the name).
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Section:
    name: str
    who: object
    template: str
    context: Callable
    order: int = 100

    def applies_to(self, user):
        if self.who is None:
            return True
        if callable(self.who):
            return bool(self.who(user))
        roles = {self.who} if isinstance(self.who, str) else set(self.who)
        return user.role in roles


@dataclass(frozen=True)
class Rendered:
    """A section's HTML (a ``SafeString`` from its template), shown by ``{{ section }}``."""

    name: str
    html: str

    def __str__(self):
        return self.html

    def __html__(self):
        return self.html


class Registry:
    """Sections of one page; ``objects`` names what the page passes to them (for the
    structure page: ``("structure",)``)."""

    def __init__(self, label, objects=()):
        self.label = label
        self.objects = tuple(objects)
        self._sections = {}

    def register(self, name, who, template, context, order=100):
        """Add (or replace: ``ready()`` may run twice) the section ``name``."""
        if who is not None and not callable(who) and not isinstance(who, (str, Collection)):
            raise TypeError(f"{self.label}: « {name} » needs roles or a predicate, not {who!r}")
        self._sections[name] = Section(name, who, template, context, order)

    def unregister(self, name):
        self._sections.pop(name, None)

    def sections(self, user):
        """The sections that apply to ``user``, in page order."""
        chosen = [s for s in self._sections.values() if s.applies_to(user)]
        return sorted(chosen, key=lambda s: (s.order, s.name))

    def render(self, request, *objects):
        """``[Rendered]``: the HTML of each section ``request.user`` may see."""
        if len(objects) != len(self.objects):
            raise TypeError(f"{self.label} sections take {self.objects}, got {len(objects)}")
        rendered = []
        for section in self.sections(request.user):
            context = section.context(request, *objects)
            if context is None:
                continue
            context = {**dict(zip(self.objects, objects, strict=True)), **context}
            html = render_to_string(section.template, context, request=request)
            rendered.append(Rendered(section.name, html))
        return rendered


def counter(count, singular, plural, url):
    """A count with its label (French: singular for 0 and 1) and the list it links to, whose
    rows it counts, for ``templates/includes/counters.html``."""
    return {"count": count, "label": singular if count <= 1 else plural, "url": url}


structure_page = Registry("structure page", objects=("structure",))
home_page = Registry("home page")
