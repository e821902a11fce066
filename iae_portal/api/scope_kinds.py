"""What an API client may be tied to ("scope kinds"): a département, a structure, a DLA, a
facilitator… The core names no domain app: each app registers its kinds from its
``AppConfig.ready()`` (structures: ``department`` and ``structure``, dla: ``dla``, clauses:
``facilitator``), and ``api_token``, ``api_client_create``/``api_client_revoke``, the
client's ``restriction`` and the deletions feed ask this registry.

A kind is named after the ``ApiClient`` field that keeps it and declares:

- ``metavar``, ``help``: its ``api_token create --<name> METAVAR`` option;
- ``noun``: how the « une seule restriction » message names it;
- ``find(value)``: the object the command-line value names, or ``None`` (« introuvable »);
- ``label(obj)``: how ``restriction_label`` shows the client's object (``DLA 54``);
- ``role``: the role of the client's service account (``None``: regional staff, an
  instructeur when the client writes, a lecteur otherwise), so the apps' ``perms.py`` apply;
- ``account(obj)``: more fields of the service account (a département's region);
- ``joined(actor=, user=, obj=, scope=)``: what creating the client does with its account
  (it becomes a member of the structure, DLA or facilitator);
- ``left(actor=, user=, reason=)``: what revoking any client does with its account (it
  leaves what it joined);
- ``restricts``: whether it narrows what the client sees (``client.restriction``, the
  resources' ``scope_paths``, the deletions' ``restrict``); a facilitator's client is no
  restriction: its account's memberships give it that facilitator's lots;
- ``tombstone(value)``: the client's value (the field's raw id) as deletion tombstones
  keep it (``None``: as it is);
- ``order``: where it comes in the options and messages.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ScopeKind:
    name: str
    metavar: str
    help: str
    noun: str
    find: Callable
    label: Callable
    role: str | None = None
    account: Callable | None = None
    joined: Callable | None = None
    left: Callable | None = None
    restricts: bool = True
    tombstone: Callable | None = None
    order: int = 100

    @property
    def option(self):
        return f"--{self.name}"


_KINDS = {}


def register(name, **declaration):
    """Add (or replace: ``ready()`` may run twice) the kind ``name``."""
    _KINDS[name] = ScopeKind(name=name, **declaration)
    return _KINDS[name]


def unregister(name):
    _KINDS.pop(name, None)


def kinds():
    """The registered kinds, in option order."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.name))


def get(name):
    return _KINDS.get(name)


def restrictions():
    """The kinds that narrow what a client sees."""
    return [kind for kind in kinds() if kind.restricts]


def find_by(model, field):
    """A ``find`` for kinds whose command-line value is one field of their model."""

    def find(value):
        try:
            return model.objects.get(**{field: value})
        except model.DoesNotExist:
            return None

    return find


def nouns():
    """« département, structure, DLA ou facilitateur »."""
    names = [kind.noun for kind in kinds()]
    return " ou ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
