"""Option lists kept by each process: the options of a page's selects (aid schemes, calls
for applications, départements, instructors) change a few times a year, and the instruction
queue read them from the database at every request (four queries, their rows built as
models, then each option's text compared to know whether the HTML kept could serve again).

An ``OptionList`` reads its ``(value, label)`` pairs once per process and reads them again
when they may have changed: a version kept in the shared cache (Redis in production) is
renewed by any save or deletion of a model the lists depend on, at once and again when the
transaction commits (another process may have read the rows in between, before the
change could be seen). Writes that send no signal (``QuerySet.update``, SQL) are caught up
within ``settings.OPTION_LISTS_MAX_AGE`` seconds, after which a process reads its lists
again anyway; without a shared cache, the other processes learn of a change that way too.

The lists only show options: what a form accepts is still checked against the database
(a ``ModelChoiceField``'s queryset), so an option shown a little late never lets a value
through that the database refuses.
"""

import itertools
import threading
import time
import uuid

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.forms.models import ModelChoiceIterator

VERSION_KEY = "iae:option-lists:version"
_readings = itertools.count(1)
_lock = threading.Lock()
# Model → the fields its lists show (``None``: all of them), for every list that depends
# on it; one receiver a model.
_watched = {}


class Options(tuple):
    """An option list as read: ``(value, label)`` pairs of texts, and ``token``, which no
    other reading of any list in this process shares (a key for what is rendered from it,
    ``iae_portal.form_renderer.RenderedOnce``)."""


class _Request(threading.local):
    """The version as a request read it first: its page's lists (the queue has five)
    then ask the cache once. Outside a request (a command, a task), asked each time."""

    within = False
    version = None


_request = _Request()


@receiver(request_started)
def _request_started(**kwargs):
    _request.within, _request.version = True, None


@receiver(request_finished)
def _request_finished(**kwargs):
    _request.within, _request.version = False, None


def version():
    """The lists' version in the shared cache; a new one if the cache has none (emptied,
    restarted), so that every process reads its lists again."""
    if _request.version is not None:
        return _request.version
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        current = cache.get(VERSION_KEY)
    if _request.within:
        _request.version = current
    return current


def _renew():
    _request.version = None
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def changed():
    """Tells every process to read its lists again: now (this process, and those that
    would read the committed rows anyway) and once the transaction has committed (those
    that read the rows before the change was visible)."""
    _renew()
    transaction.on_commit(_renew)


def _saved(sender, update_fields=None, **kwargs):
    shown = _watched.get(sender)
    if update_fields is None or shown is None or shown & set(update_fields):
        changed()


def _deleted(sender, **kwargs):
    changed()


class OptionList:
    """``read(**params)`` gives the ``(value, label)`` pairs of a list, from the database;
    the list, called with the same ``params``, gives them as ``Options`` from this process's
    copy, read again only when the version has changed or the copy is older than
    ``OPTION_LISTS_MAX_AGE``. The labels are read as texts once: not a lazy translation nor
    anything that follows the active language or time zone.

    ``depends_on``: the models whose rows the lists show, each a model or ``(model,
    fields)``; a save that names only other fields (a login's ``last_login``) changes
    nothing."""

    def __init__(self, read, *, depends_on):
        self.read = read
        self._copies = {}  # params → (version, monotonic time read, Options)
        for item in depends_on:
            model, fields = item if isinstance(item, tuple) else (item, None)
            with _lock:
                if model not in _watched:
                    _watched[model] = set(fields) if fields else None
                    post_save.connect(_saved, sender=model, weak=False)
                    post_delete.connect(_deleted, sender=model, weak=False)
                elif _watched[model] is not None:
                    _watched[model] = _watched[model] | set(fields) if fields else None

    def __call__(self, **params):
        key = tuple(sorted(params.items()))
        current = version()
        copy = self._copies.get(key)
        now = time.monotonic()
        if copy is None or copy[0] != current or now - copy[1] > settings.OPTION_LISTS_MAX_AGE:
            options = Options((str(value), str(label)) for value, label in self.read(**params))
            options.token = next(_readings)
            copy = (current, now, options)
            self._copies[key] = copy
        return copy[2]

    def __deepcopy__(self, memo):
        return self  # one per process (a filter's or field's copies name it)


class OptionListIterator(ModelChoiceIterator):
    """A ``ModelChoiceField``'s options from its ``options()`` (an ``OptionList``), after
    its empty one and django-filter's « null » one (``null_label``): the field's queryset
    still checks the value chosen."""

    def _first(self):
        first = [] if self.field.empty_label is None else [("", self.field.empty_label)]
        null_label = getattr(self.field, "null_label", None)
        if null_label is not None:
            first.append((self.field.null_value, null_label))
        return first

    def __iter__(self):
        yield from self._first()
        yield from self.field.options()

    def __len__(self):
        return len(self._first()) + len(self.field.options())

    def __bool__(self):
        return bool(self._first()) or bool(self.field.options())

    def for_rendering(self):
        """``((first options, token of the list's reading), choices)``: what names the
        options for ``RenderedOnce``, and the options, read once for both."""
        first = self._first()
        options = self.field.options()
        return (first, options.token), [*first, *options]


class OptionListFieldMixin:
    """For a ``ModelChoiceField`` subclass: ``options``, a callable giving its ``Options``
    (an ``OptionList``, ``functools.partial`` of one with its parameters)."""

    iterator = OptionListIterator

    def __init__(self, *args, options, **kwargs):
        self.options = options
        super().__init__(*args, **kwargs)


class OptionListModelChoiceField(OptionListFieldMixin, forms.ModelChoiceField):
    pass
