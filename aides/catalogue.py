"""What the public catalogue and the simulator show around the schemes: the region each one
belongs to, the region a visitor sees first, a call's own label, and what a scheme funds.

A scheme's ``origin_region`` is the name the source gives (a region before the 2016 reform,
such as Champagne-Ardenne, or a département, such as Saône-et-Loire); it is read as the
region of 2016 it lies in (Grand Est), so a council finds its own schemes.
"""

import functools
import unicodedata
from collections import Counter

from localflavor.fr.fr_department import DEPARTMENT_CHOICES_PER_REGION
from localflavor.fr.fr_region import REGION_CHOICES

from iae_portal.users.roles import REGION_READ
from structures.models import Structure
from structures.reference import FORMER_TO_2016_REGION, departments, regions

from . import rules
from .enums import ExpenseCategory, PositionFunction, PositionRole, TrainingType

ALL = ""  # the region choice "every region"
FIELD_TITLES = {
    "role": ("Postes financés", PositionRole),
    "function": ("Fonctions financées", PositionFunction),
    "category": ("Dépenses financées", ExpenseCategory),
    "type": ("Formations financées", TrainingType),
}


def _key(name):
    return name.casefold().replace("’", "'").strip()


@functools.cache
def _region_codes_by_name():
    """Names of today's regions, former regions and départements → today's region code."""
    names = {_key(name): code for code, name in regions()}
    for code, name in REGION_CHOICES:
        names.setdefault(_key(name), FORMER_TO_2016_REGION[code])
    department_regions = {code: region for code, _, region in departments()}
    for code, name, _ in DEPARTMENT_CHOICES_PER_REGION:
        if code in department_regions:
            names.setdefault(_key(name), department_regions[code])
    return names


def region_code(scheme):
    """The code of the region (2016) ``scheme`` comes from, or ``None`` if unknown."""
    return _region_codes_by_name().get(_key(scheme.origin_region))


def region_names():
    return dict(regions())


def default_region(user):
    """The region a person sees first: the region of their structures (most of them), the
    region of a regional agent's account; every region otherwise (anonymous visitors,
    national accounts, DLA and facilitators)."""
    if not user.is_authenticated:
        return ALL
    if user.can(REGION_READ):
        return user.region_id or ALL
    counts = Counter(
        Structure.objects.filter(memberships__user=user, memberships__is_active=True)
        .values_list("department__region_id", flat=True)
        .order_by()
    )
    return counts.most_common(1)[0][0] if counts else ALL


def chosen_region(request):
    """``?region=`` when given (empty: every region), else the person's default."""
    if "region" in request.GET:
        code = request.GET["region"]
        return code if code in region_names() else ALL
    return default_region(request.user)


def region_choices(schemes, chosen):
    """``[(code, label with its count)]``: every region, then those that have schemes, and
    the chosen one even when it has none."""
    counts = Counter(region_code(scheme) for scheme in schemes)
    names = region_names()
    listed = sorted(
        (code for code in names if counts[code] or code == chosen), key=lambda c: names[c]
    )
    return [(ALL, f"Toutes les régions ({len(schemes)})")] + [
        (code, f"{names[code]} ({counts[code]})") for code in listed
    ]


def in_region(schemes, code):
    """The schemes of region ``code`` (every one for ``ALL``), in alphabetical order."""
    shown = [s for s in schemes if region_code(s) == code] if code else schemes
    return sorted(shown, key=lambda scheme: _alphabetical(scheme.name))


def _alphabetical(text):
    """« Équipes » among the E, not after Z."""
    letters = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in letters if not unicodedata.combining(c))


def funded(scheme):
    """``[(title, [wording])]``: what the scheme funds, in its words, as the forms offer it."""
    rows = []
    for field, offered in rules.accepted(scheme.rule_kind, scheme.parameters()).items():
        title, enum = FIELD_TITLES[field]
        labels = dict(enum.choices)
        rows.append((title, [wording or labels[code] for code, wording in offered]))
    return rows
