"""Ranking the SIAE for a lot (issue 19, part 2): pure Python over plain data, no Django.

Each candidate gets five marks, and a score that is their weighted sum (``WEIGHTS``):

- **activity fit** (0–3): the best pair of a lot's code and one of the structure's declared
  codes (NAF rév. 2 sous-classes, ``structures.naf``): 3 the same sous-classe (``43.31Z``),
  2 the same class (``43.32A``/``43.32B``), 1 the same group (``43.3``), 0 none;
- **distance** (0–3): 3 the structure is in one of the lot's execution départements, 2 in a
  neighbouring département (``structures.reference.department_neighbours``), 1 in one of
  their regions, 0 elsewhere (or the lot's territory unknown);
- **capacity**: insertion posts (ETP in insertion) of the structure's latest yearly figures,
  one point a post, at most ``CAPACITY_CAP``;
- **experience**: hours the structure delivered on lots sharing a code group with this one
  (``similar``), one point per ``HOURS_PER_POINT`` hours, at most ``EXPERIENCE_CAP``;
- **load**: the lots the structure is working on (hours reported in the last three months),
  minus ``LOAD_PENALTY`` each, at most ``LOAD_CAP``.

    score = 30 × fit + 10 × distance + capacity + experience − load

Fit weighs most (a plasterer in the next département before a cleaner next door), then
distance; capacity, experience and load order structures of the same fit and distance.
Equal scores are ordered by SIRET, so the order never depends on the database. Each ranked
row carries its reasons in French, in that order.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from structures import naf

WEIGHTS = {"fit": 30, "distance": 10}
CAPACITY_CAP = 20
HOURS_PER_POINT = 100
EXPERIENCE_CAP = 20
LOAD_PENALTY = 5
LOAD_CAP = 20

FIT_EXACT, FIT_CLASS, FIT_GROUP, FIT_NONE = 3, 2, 1, 0
SAME_DEPARTMENT, NEIGHBOUR, SAME_REGION, ELSEWHERE = 3, 2, 1, 0


@dataclass(frozen=True)
class Place:
    """Where the lot is executed: départements (codes), their regions and neighbours."""

    departments: frozenset = frozenset()
    regions: frozenset = frozenset()
    neighbours: frozenset = frozenset()

    @property
    def known(self):
        return bool(self.departments)


@dataclass(frozen=True)
class Candidate:
    key: object
    siret: str
    name: str
    department: str
    region: str
    codes: tuple = ()
    insertion_posts: Decimal | None = None  # None: no yearly figures
    figures_year: int | None = None
    experience_hours: Decimal = Decimal(0)
    current_lots: int = 0


@dataclass
class Ranked:
    candidate: Candidate
    score: int
    fit: int
    distance: int
    reasons: list = field(default_factory=list)
    position: int = 0


def fit(lot_codes, codes):
    """``(level, lot_code, code)`` of the best pair (``(0, None, None)`` when none)."""
    best = (FIT_NONE, None, None)
    for mine in sorted(codes):
        for wanted in sorted(lot_codes):
            if mine == wanted:
                level = FIT_EXACT
            elif mine[:5] == wanted[:5]:
                level = FIT_CLASS
            elif mine[:4] == wanted[:4]:
                level = FIT_GROUP
            else:
                continue
            if level > best[0]:
                best = (level, wanted, mine)
    return best


def similar(lot_codes, codes):
    """Whether two lots' codes share at least a group (fit 1 or more)."""
    return fit(lot_codes, codes)[0] > FIT_NONE


def distance(place, department, region):
    if department in place.departments:
        return SAME_DEPARTMENT
    if department in place.neighbours:
        return NEIGHBOUR
    if region in place.regions:
        return SAME_REGION
    return ELSEWHERE


def french_number(value):
    """12 → « 12 », 1250 → « 1 250 », 12.5 → « 12,5 » (narrow no-break space)."""
    value = Decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    whole, _, decimals = f"{value:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    text = sign + "\u202f".join(groups or ["0"])
    return f"{text},{decimals}" if decimals else text


def _plural(count, singular, plural):
    return singular if count == 1 else plural


def _fit_reason(lot_codes, level, wanted, mine):
    if not lot_codes:
        return "Activité : le lot n'a pas de code NAF"
    if level == FIT_NONE:
        return "Activité : aucune activité déclarée proche du lot"
    own = naf.label(mine)
    if level == FIT_EXACT:
        return f"Activité : {own} (identique)"
    if level == FIT_CLASS:
        return f"Activité : {own} (même classe que {wanted})"
    group = naf.get(mine)
    group_text = f"{group.group} {group.group_label}" if group else mine[:4]
    return f"Activité : {own} (même groupe : {group_text})"


_DISTANCE_REASONS = {
    SAME_DEPARTMENT: "Même département",
    NEIGHBOUR: "Département voisin",
    SAME_REGION: "Même région",
    ELSEWHERE: "Hors région",
}


def score_of(candidate, lot_codes, place):
    """``Ranked`` (position 0) of one candidate."""
    level, wanted, mine = fit(lot_codes, candidate.codes)
    tier = distance(place, candidate.department, candidate.region) if place.known else ELSEWHERE
    posts = candidate.insertion_posts
    capacity = min(int(posts), CAPACITY_CAP) if posts is not None and posts > 0 else 0
    hours = candidate.experience_hours or Decimal(0)
    experience = min(int(hours // HOURS_PER_POINT), EXPERIENCE_CAP)
    load = min(LOAD_PENALTY * candidate.current_lots, LOAD_CAP)
    score = WEIGHTS["fit"] * level + WEIGHTS["distance"] * tier + capacity + experience - load
    reasons = [
        _fit_reason(lot_codes, level, wanted, mine),
        _DISTANCE_REASONS[tier] if place.known else "Territoire du lot non renseigné",
        (
            f"{french_number(posts)} {_plural(posts, 'poste', 'postes')} d'insertion "
            f"({candidate.figures_year})"
            if posts is not None
            else "Pas de chiffres annuels"
        ),
        (
            f"{french_number(hours)} h sur des lots similaires"
            if hours
            else "Aucune heure sur des lots similaires"
        ),
        (
            f"{candidate.current_lots} {_plural(candidate.current_lots, 'lot', 'lots')} en cours"
            if candidate.current_lots
            else "Aucun lot en cours"
        ),
    ]
    return Ranked(candidate=candidate, score=score, fit=level, distance=tier, reasons=reasons)


def rank(lot_codes, place, candidates):
    """``candidates`` as ``Ranked`` rows, best first (score, then SIRET), numbered from 1."""
    rows = [score_of(candidate, tuple(lot_codes), place) for candidate in candidates]
    rows.sort(key=lambda row: (-row.score, row.candidate.siret))
    for position, row in enumerate(rows, start=1):
        row.position = position
    return rows
