"""The CDIAE report's registries: its tables, and the territory it is made for, both filled
by the apps from their ``AppConfig.ready()`` (see the package's docstring)."""

from collections.abc import Callable
from dataclasses import dataclass, field

# Column kinds: how a value is written in the JSON, the workbook and the PDF.
TEXT = "text"  # a string
COUNT = "count"  # an int
AMOUNT = "amount"  # euros: a string with two decimals in the JSON ("1234.50")
DECIMAL = "decimal"  # a decimal number (ETP): a string with two decimals in the JSON
FIGURE = "figure"  # a bilan's figure: the row's ``kind`` says which (count, share, hours)
KINDS = frozenset({TEXT, COUNT, AMOUNT, DECIMAL, FIGURE})
# The kinds of a bilan's figure (``FIGURE`` columns): a share is a float between 0 and 1
# rounded to three decimals, as the bilans give it; hours an int, or a float when not whole.
SHARE, HOURS = "share", "hours"
FIGURE_KINDS = frozenset({COUNT, SHARE, HOURS})


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    # Shown in the JSON and the workbook, not in the PDF (a code beside its label).
    pdf: bool = True

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"column « {self.key} »: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Scope:
    """What a report is about: a département (``kind="department"``) or a whole region
    (``kind="region"``), with the codes of the départements it covers."""

    kind: str
    code: str
    name: str
    region_code: str
    region_name: str
    departments: tuple

    @property
    def token(self):
        """``department:57``, ``region:44``: how the form and the prepared file name it."""
        return f"{self.kind}:{self.code}"

    @property
    def label(self):
        """« Moselle (57) », « Région Grand Est »."""
        if self.kind == "region":
            return f"Région {self.name}"
        return f"{self.name} ({self.code})"

    @property
    def slug(self):
        """For file names: ``57``, ``region-44``."""
        return self.code if self.kind == "department" else f"region-{self.code}"


@dataclass
class Result:
    """What a table's function returns: ``rows`` (dicts keyed by the columns' keys, plus
    ``kind`` for a ``FIGURE`` column), ``totals`` (a dict over some of the columns, or
    ``None``) and ``details`` (a bilan as its command gives it, or ``None``)."""

    rows: list
    totals: dict | None = None
    details: dict | None = None
    notes: list = field(default_factory=list)  # French sentences shown under the table


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of a table (``iae_portal.charts.hbar_chart``)."""

    label: str
    points: list  # [(caption, value)]
    unit: str = ""


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    order: int
    columns: tuple
    compute: Callable  # (scope, year) -> Result
    description: str = ""  # what the table counts, in French, shown above it
    chart: Callable | None = None  # (result, year) -> Chart or None
    sheet: str = ""  # the workbook's sheet title (31 characters at most)

    @property
    def sheet_title(self):
        return (self.sheet or self.title)[:31]


_TABLES = {}


def register_table(key, *, title, order, columns, compute, description="", chart=None, sheet=""):
    """Add (or replace: ``ready()`` may run twice) the table ``key`` (the JSON's key)."""
    if not callable(compute):
        raise TypeError(f"CDIAE table « {key} » needs a function, not {compute!r}")
    if len(sheet or title) > 31:
        raise ValueError(f"CDIAE table « {key} »: a sheet title of 31 characters at most")
    _TABLES[key] = Table(key, title, order, tuple(columns), compute, description, chart, sheet)


def unregister_table(key):
    _TABLES.pop(key, None)


def tables():
    """The registered tables, in the report's order."""
    return sorted(_TABLES.values(), key=lambda table: (table.order, table.key))


@dataclass(frozen=True)
class Territory:
    resolve: Callable  # (kind, code) -> Scope or None
    scopes_for: Callable  # (user) -> [Scope]
    can_read: Callable  # (user, scope) -> bool
    can_read_any: Callable  # (user) -> bool, without a query for most people (the menu)


_TERRITORY = []


def register_territory(*, resolve, scopes_for, can_read, can_read_any):
    """How scopes are found and who reads them (registered by ``structures``)."""
    _TERRITORY[:] = [Territory(resolve, scopes_for, can_read, can_read_any)]


def _territory():
    if not _TERRITORY:
        raise LookupError("no app registers the CDIAE report's territory")
    return _TERRITORY[0]


def resolve_scope(kind, code):
    """The scope of ``kind`` (``department``, ``region``) and ``code``, or ``None``."""
    if kind not in ("department", "region") or not isinstance(code, str):
        return None
    return _territory().resolve(kind, code)


def scope_from_token(token):
    """The scope named ``department:57`` or ``region:44``, or ``None``."""
    kind, _, code = str(token).partition(":")
    return resolve_scope(kind, code)


def scopes_for(user):
    """The scopes ``user`` may read a report of, in the form's order."""
    return _territory().scopes_for(user)


def can_read(user, scope):
    return scope is not None and bool(_territory().can_read(user, scope))


def may_read_any(user):
    """Whether ``user`` may read the report of some scope (the menu's entry)."""
    return bool(user.is_authenticated and _territory().can_read_any(user))
