"""What a rule returns, and the money arithmetic every rule shares (aid-rules.md, preamble).

Amounts are ``Decimal``; each line is rounded half-up to the cent; the total is the sum of
the rounded lines; a line rounding to zero is not listed; an ineligible case has no lines.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

CENT = Decimal("0.01")
ZERO = Decimal(0)


def cents(amount):
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    year: int
    amount: Decimal
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Excluded:
    ref: str
    reason: str


@dataclass
class Result:
    scheme: str
    eligible: bool
    reasons: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    has_amount_rule: bool = True
    parameters_version: int | None = None

    @property
    def schedule(self):
        years = {}
        for line in self.lines:
            years[line.year] = years.get(line.year, ZERO) + line.amount
        return [{"year": year, "amount": years[year]} for year in sorted(years)]

    @property
    def total(self):
        if not self.has_amount_rule:
            return None
        return sum((line.amount for line in self.lines), ZERO)

    def to_dict(self):
        """The contract's output: amounts as strings with two decimals."""
        total = self.total
        return {
            "scheme": self.scheme,
            "eligible": self.eligible,
            "reasons": list(self.reasons),
            "excluded": [{"ref": e.ref, "reason": e.reason} for e in self.excluded],
            "lines": [
                {"label": line.label, "year": line.year, "amount": f"{line.amount:.2f}"}
                for line in self.lines
            ],
            "schedule": [
                {"year": row["year"], "amount": f"{row['amount']:.2f}"} for row in self.schedule
            ],
            "total": None if total is None else f"{total:.2f}",
        }


class Outcome:
    """Collects a rule's reasons, exclusions and lines, then decides (``finish``)."""

    def __init__(self, case):
        self.case = case
        self.reasons = []
        self.excluded = []
        self.lines = []

    def refuse(self, reason):
        if reason not in self.reasons:
            self.reasons.append(reason)

    def exclude(self, ref, reason):
        self.excluded.append(Excluded(ref, reason))

    def add(self, label, amount, *, year=1, ref=None):
        amount = cents(amount)
        if amount > ZERO:
            self.lines.append(Line(label, year, amount, ref))

    def finish(self):
        """Eligible when no application-level condition fails and a line is positive."""
        if not self.reasons and not self.lines:
            self.refuse("nothing_to_fund")
        eligible = not self.reasons
        return Result(
            scheme=self.case.scheme,
            eligible=eligible,
            reasons=self.reasons,
            excluded=self.excluded,
            lines=self.lines if eligible else [],
        )

    def finish_without_amount(self, eligible_items):
        """For a scheme with no amount rule: eligible when an item (a hire) is."""
        if not self.reasons and not eligible_items:
            self.refuse("no_eligible_hire")
        return Result(
            scheme=self.case.scheme,
            eligible=not self.reasons,
            reasons=self.reasons,
            excluded=self.excluded,
            lines=[],
            has_amount_rule=False,
        )


def fill_up_to(amounts, cap):
    """Keep amounts in order until their sum reaches ``cap``: the line crossing the cap
    keeps what still fits, later lines keep nothing. Returns the kept amounts."""
    kept, room = [], cap
    for amount in amounts:
        share = min(amount, max(room, ZERO))
        kept.append(share)
        room -= share
    return kept


# The label formatters depend only on the numeric value (never on a Decimal's exponent), and
# a campaign repeats the same few rates, caps and costs: cached, they stop showing in a
# batch's profile.
@lru_cache(maxsize=4096)
def num(value):
    """``Decimal("10")`` → ``"10"``, ``Decimal("0.80")`` → ``"0,8"`` for labels."""
    return f"{Decimal(value).normalize():f}".replace(".", ",")


@lru_cache(maxsize=1024)
def pct(rate):
    """``Decimal("0.25")`` → ``"25 %"`` for labels."""
    return num(Decimal(rate) * 100) + " %"


@lru_cache(maxsize=4096)
def euros(amount):
    """``Decimal("10000")`` → ``"10 000 €"`` for labels (narrow no-break space groups)."""
    amount = Decimal(amount)
    text = f"{amount:,.2f}" if amount != amount.to_integral_value() else f"{amount:,.0f}"
    return text.replace(",", "\u202f").replace(".", ",") + " €"
