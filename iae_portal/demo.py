"""The demo region's steps: what each app adds to ``seed_demo``.

The core creates the demo accounts (``iae_portal.users.demo``), one per role; each app
registers from its ``AppConfig.ready()`` the step that builds its part of the region
(structures, then aid dossiers, contracts and hours, DLA accompaniments). A step is

- ``seed(run)``: creates the app's demo data and returns the lines ``seed_demo`` prints
  for it (or nothing); it reads ``run.rng`` (one generator for the whole run, so the
  region is the same each time), ``run.size`` (``--structures``) and what earlier steps
  left in ``run.made``, and leaves there what later steps need (``structures``: the
  structures created, in creation order);
- ``reset()``: deletes all of the app's demo data (``seed_demo --reset``);
- ``order``: when it seeds (structures first: the others hang on them);
- ``reset_order``: when it resets (dependents first, the structures last); the accounts
  go after every step;
- ``logins()``: ``{e-mail: [names]}``, what a demo account belongs to in this app, shown
  after its line in the logins table (the director's structures).
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DemoRun:
    rng: random.Random
    size: int
    today: datetime.date
    made: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    name: str
    seed: Callable
    reset: Callable
    order: int
    reset_order: int
    logins: Callable | None = None


_STEPS = {}


def register(name, *, seed, reset, order, reset_order, logins=None):
    """Add (or replace: ``ready()`` may run twice) the step ``name``."""
    _STEPS[name] = DemoStep(name, seed, reset, order, reset_order, logins)
    return _STEPS[name]


def unregister(name):
    _STEPS.pop(name, None)


def steps():
    """The steps in seeding order."""
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.name))


def reset_steps():
    """The steps in reset order."""
    return sorted(_STEPS.values(), key=lambda step: (step.reset_order, step.name))


def login_notes():
    """``{e-mail: [names]}`` from every step that has some."""
    notes = {}
    for step in steps():
        for email, names in (step.logins() if step.logins is not None else {}).items():
            notes.setdefault(email, []).extend(names)
    return notes
