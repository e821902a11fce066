"""The kinds of prepared files, registered by the apps from ``AppConfig.ready()``.

A kind's ``build(job, out)`` writes the file on the binary stream ``out`` and returns its
download name; it reads its parameters and owner from ``job`` (``services.Job``), reports
its progress with ``job.progress(done, total)`` or ``job.track(rows, total)``, and
computes what the owner may see itself (the owner may have lost access since asking).
It raises ``services.Refused`` (a French message) when the owner may no longer have it.
``reuse_ready``: a file of the same owner and parameters still available is given again
(its content cannot change: a batch's letters); otherwise only one still being prepared
is (an export is prepared afresh once the former is ready)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    build: Callable
    reuse_ready: bool = False


_KINDS = {}


def register(name, *, build, reuse_ready=False):
    """Add (or replace: ``ready()`` may run twice) the kind ``name`` (``app.what``)."""
    if not callable(build):
        raise TypeError(f"prepared file kind « {name} » needs a builder, not {build!r}")
    _KINDS[name] = Kind(name, build, reuse_ready)


def get(name):
    """The kind ``name`` (``KeyError`` when no app registers it)."""
    return _KINDS[name]


def registered():
    return dict(_KINDS)
