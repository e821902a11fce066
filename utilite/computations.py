"""What social utility computes and checks (docs/utilite-sociale.md), in pure Python: the
computed shares of a report, its axis scores, the statistics of a group of reports and the
validation rules, each error a French sentence naming its field.

No Django: the model, the import, the bilan (and later the pages and the API) call these
with plain values, so each figure is computed in one place.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .indicators import (
    AXES,
    AXES_BY_CODE,
    AXIS,
    BOOL,
    BY_CODE,
    COMMENT_MAX_LENGTH,
    COMPUTED,
    CRITERIA,
    CRITERION_CODES,
    EXIT_CATEGORIES,
    GRID_PARTICIPANTS_ADVISED,
    INDICATORS,
    INTEGER_KINDS,
    MAX_FIGURE,
    SCALE,
    SCALE_MAX,
    SCORE_MAX,
    SHARE,
)

THOUSANDTH = Decimal("0.001")
HUNDREDTH = Decimal("0.01")
TENTH = Decimal("0.1")
# The statistics' quartiles, in the order of their keys.
QUARTILES = {"median": Decimal("0.5"), "q1": Decimal("0.25"), "q3": Decimal("0.75")}
# Privacy: a group of fewer reports shows its count only.
PRIVACY_MIN_REPORTS = 3
MIN_YEAR = 1990
PARTIAL_GRID = "partial_grid"
SIAE_KIND_CODES = ("ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "RQ")


def half_up(value, step):
    return Decimal(value).quantize(step, ROUND_HALF_UP)


# -- One report -------------------------------------------------------------------------------


def share(numerator, denominator):
    """``numerator / denominator`` as a ``Decimal`` half-up to 3 decimals (1/16 → 0.063),
    ``None`` when the denominator is 0 or unknown."""
    if numerator is None or not denominator:
        return None
    return half_up(Decimal(numerator) / Decimal(denominator), THOUSANDTH)


def share_parts(computed, values):
    """``(numerator, denominator)`` of a computed share from a report's counts, ``None``
    when one of them is missing."""
    names = (*computed.numerators, *computed.minus, computed.denominator)
    if any(values.get(name) is None for name in names):
        return None
    numerator = sum(values[name] for name in computed.numerators) - sum(
        values[name] for name in computed.minus
    )
    return numerator, values[computed.denominator]


def computed_shares(values):
    """``{code: Decimal or None}`` for each computed share, in the registry's order, from the
    counts (never from other rounded shares)."""
    found = {}
    for computed in COMPUTED:
        parts = share_parts(computed, values)
        found[computed.code] = None if parts is None else share(*parts)
    return found


def axis_score(scores):
    """The mean of an axis's criteria, half-up to 1 decimal (1.25 → 1.3)."""
    scores = list(scores)
    return half_up(Decimal(sum(scores)) / len(scores), TENTH)


def axis_scores(scores):
    """``{axis: Decimal}`` in the radar's order for a complete grid (``{criterion: score}``),
    ``{}`` without a grid."""
    if not scores:
        return {}
    return {axis.code: axis_score(scores[c.code] for c in axis.criteria) for axis in AXES}


# -- Statistics of a group --------------------------------------------------------------------


def quantile(ordered, p):
    """QUARTILE.INC of sorted ``Decimal`` values: x⌊h⌋ + (h − ⌊h⌋)(x⌈h⌉ − x⌊h⌋) at
    h = (n − 1)p, exact in ``Decimal``."""
    h = (len(ordered) - 1) * Decimal(p)
    low, high = math.floor(h), math.ceil(h)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def statistics(kind, values, parts=None):
    """The statistics of a group over ``values`` (a report's value each, ``None`` skipped):

    - every kind: ``n`` (the values present);
    - counts, hours, euros, scales, shares and axis scores: ``median``, ``q1``, ``q3``
      (QUARTILE.INC), half-up to 3 decimals for shares, else 2;
    - counts, hours, euros: ``total``;
    - shares: ``pooled``, Σ numerators / Σ denominators over ``parts`` (the reports'
      ``(numerator, denominator)``), half-up to 3 decimals;
    - booleans: only ``yes_share`` (3 decimals).

    Privacy: under ``PRIVACY_MIN_REPORTS`` values, all but ``n`` are ``None``."""
    present = [value for value in values if value is not None]
    n = len(present)
    hidden = n < PRIVACY_MIN_REPORTS
    if kind == BOOL:
        return {"n": n, "yes_share": None if hidden else share(sum(map(bool, present)), n)}
    step = THOUSANDTH if kind == SHARE else HUNDREDTH
    ordered = sorted(Decimal(value) for value in present)
    result = {"n": n}
    for key, p in QUARTILES.items():
        result[key] = None if hidden else half_up(quantile(ordered, p), step)
    if kind in INTEGER_KINDS:
        result["total"] = None if hidden else sum(int(value) for value in present)
    elif kind == SHARE:
        pooled = None
        if not hidden:
            kept = [pair for pair in parts or () if pair is not None]
            pooled = share(sum(a for a, _ in kept), sum(b for _, b in kept))
        result["pooled"] = pooled
    return result


def report_values(figures, scores):
    """``(indicators, axes)`` of a report as it shows them: its typed figures and computed
    shares, its axis scores (``{}`` without grid)."""
    return {**figures, **computed_shares(figures)}, axis_scores(scores)


def group_statistics(reports):
    """``(indicators, axes)``: ``{code: statistics}`` over ``reports`` (each a pair of typed
    figures and criterion scores), for every indicator (typed, then computed) and axis."""
    rows = [report_values(figures, scores) for figures, scores in reports]
    indicators = {}
    for indicator in INDICATORS:
        indicators[indicator.code] = statistics(
            indicator.kind, [values.get(indicator.code) for values, _ in rows]
        )
    for computed in COMPUTED:
        indicators[computed.code] = statistics(
            SHARE,
            [values[computed.code] for values, _ in rows],
            [share_parts(computed, figures) for figures, _ in reports],
        )
    axes = {
        axis.code: statistics(AXIS, [scores.get(axis.code) for _, scores in rows]) for axis in AXES
    }
    return indicators, axes


# -- Validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A refused value: ``field`` (an indicator, grid column or ``year``, ``siret``;
    ``None`` for the whole report) and the French ``message`` naming it."""

    field: str | None
    message: str
    rule: str = ""  # "partial_grid": what a draft may leave for later


def _name(code):
    return f"« {BY_CODE[code].label} »"


def _integer(raw):
    """``(int, None)`` or ``(None, reason)`` for a typed figure given as text or number."""
    if isinstance(raw, bool):
        return int(raw), None
    text = raw.strip() if isinstance(raw, str) else raw
    if text is None or text == "":
        return None, "valeur obligatoire (0 si aucune)"
    try:
        value = Decimal(text) if isinstance(text, str) else Decimal(str(text))
    except (InvalidOperation, ValueError, TypeError):
        value = None
    if value is None or not value.is_finite():
        return None, f"nombre attendu, pas « {raw} »"
    if value != value.to_integral_value():
        return None, f"nombre entier attendu, pas « {raw} »"
    if value < 0:
        return None, f"le nombre doit être positif ou nul, pas « {raw} »"
    if value > MAX_FIGURE:
        return None, f"nombre trop grand : « {raw} »"
    return int(value), None


def clean_figures(raw):
    """``(figures, problems)``: each typed figure of ``raw`` (``{code: text, number or
    bool}``) as an ``int`` (a ``bool`` for booleans), ``None`` where refused."""
    figures, problems = {}, []
    for indicator in INDICATORS:
        value = raw.get(indicator.code)
        if indicator.kind == BOOL:
            if isinstance(value, str):
                value = {"1": True, "0": False, "": None}.get(value.strip(), value)
            if value is None:
                problems.append(
                    Problem(indicator.code, f"{_name(indicator.code)} : réponse obligatoire.")
                )
            elif value not in (True, False) or not isinstance(value, bool | int):
                problems.append(
                    Problem(
                        indicator.code,
                        f"{_name(indicator.code)} : 1 (oui) ou 0 (non) attendu, pas « {value} ».",
                    )
                )
                value = None
            figures[indicator.code] = None if value is None else bool(value)
            continue
        value, reason = _integer(value)
        if reason is None and indicator.kind == SCALE and value > SCALE_MAX:
            value, reason = (
                None,
                f"niveau de 0 à {SCALE_MAX} attendu, pas « {raw.get(indicator.code)} »",
            )
        if reason is not None:
            problems.append(Problem(indicator.code, f"{_name(indicator.code)} : {reason}."))
        figures[indicator.code] = value
    return figures, problems


def consistency_problems(figures):
    """The rules between figures (those whose figures are all valid)."""
    problems = []

    def known(*codes):
        return all(figures.get(code) is not None for code in codes)

    if known("exits_total", *EXIT_CATEGORIES):
        total = sum(figures[code] for code in EXIT_CATEGORIES)
        if total != figures["exits_total"]:
            problems.append(
                Problem(
                    "exits_total",
                    f"Les sorties par catégorie totalisent {total} : elles doivent égaler "
                    f"{_name('exits_total')} ({figures['exits_total']}), chaque sortie comptée "
                    "une fois.",
                )
            )
    for code in ("women", "trained_employees", "exits_total"):
        if known(code, "insertion_employees") and figures[code] > figures["insertion_employees"]:
            problems.append(
                Problem(
                    code,
                    f"{_name(code)} ({figures[code]}) ne peut dépasser "
                    f"{_name('insertion_employees')} ({figures['insertion_employees']}).",
                )
            )
    for code in ("public_funding", "turnover"):
        if known(code, "total_resources") and figures[code] > figures["total_resources"]:
            problems.append(
                Problem(
                    code,
                    f"{_name(code)} ({figures[code]} €) ne peut dépasser "
                    f"{_name('total_resources')} ({figures['total_resources']} €).",
                )
            )
    if known("training_hours", "trained_employees"):
        hours, trained = figures["training_hours"], figures["trained_employees"]
        if hours == 0 and trained > 0:
            problems.append(
                Problem(
                    "training_hours",
                    f"{_name('training_hours')} : 0 alors que {trained} salarié(s) sont "
                    "déclarés formés.",
                )
            )
        elif trained == 0 and hours > 0:
            problems.append(
                Problem(
                    "trained_employees",
                    f"{_name('trained_employees')} : 0 alors que {hours} heure(s) de "
                    "formation sont déclarées.",
                )
            )
    return problems


@dataclass(frozen=True)
class Grid:
    """A complete grid: who filled it, its priority axes (registry order), its scores."""

    participants: int
    priority_axes: tuple
    scores: dict  # criterion code → 0..3


def _given(value):
    return value is not None and not (isinstance(value, str) and not value.strip())


def clean_grid(participants, priority_axes, scores, comments=None):
    """``(Grid or None, problems)`` from raw values: ``participants`` (text or number),
    ``priority_axes`` (``;``-separated text or a list of codes), ``scores`` ({criterion:
    text or number}), ``comments`` ({criterion: text}). No grid (``None``) when nothing is
    given; a grid is complete or refused."""
    problems = []
    comments = comments or {}
    if isinstance(priority_axes, str):
        axes = [code.strip() for code in priority_axes.split(";") if code.strip()]
    else:
        axes = [str(code).strip() for code in priority_axes or ()]
    for code in dict.fromkeys(axes):
        if code not in AXES_BY_CODE:
            problems.append(
                Problem(
                    "priority_axes",
                    f"Axe prioritaire inconnu : « {code} » (axes de la grille : "
                    f"{', '.join(AXES_BY_CODE)}).",
                )
            )
    for code in sorted(set(scores) - set(CRITERION_CODES)):
        problems.append(Problem(code, f"Critère inconnu de la grille : « {code} »."))
    for code, text in comments.items():
        if code not in CRITERION_CODES:
            problems.append(Problem(code, f"Critère inconnu de la grille : « {code} »."))
        elif text and len(text) > COMMENT_MAX_LENGTH:
            problems.append(
                Problem(
                    code,
                    f"Commentaire du critère « {_criterion_label(code)} » trop long : "
                    f"{len(text)} caractères, {COMMENT_MAX_LENGTH} au plus.",
                )
            )
    given = [code for code in CRITERION_CODES if _given(scores.get(code))]
    if not given and not _given(participants) and not axes:
        if any(text for text in comments.values()):
            problems.append(
                Problem(
                    None,
                    "Des commentaires de la grille sont donnés sans notes : notez tous les "
                    "critères, ou aucun.",
                    PARTIAL_GRID,
                )
            )
        return None, problems
    missing = [code for code in CRITERION_CODES if code not in given]
    if missing:
        problems.append(
            Problem(
                missing[0],
                f"Grille incomplète : {len(missing)} critère(s) non noté(s), dont "
                f"« {_criterion_label(missing[0])} » ({missing[0]}) : notez tous les critères "
                "de 0 à 3, ou aucun.",
                PARTIAL_GRID,
            )
        )
    clean_scores = {}
    for code in given:
        value, reason = _integer(scores[code])
        if reason is None and value > SCORE_MAX:
            reason = f"note de 0 à {SCORE_MAX} attendue, pas « {scores[code]} »"
        if reason is not None:
            problems.append(
                Problem(code, f"Critère « {_criterion_label(code)} » ({code}) : {reason}.")
            )
        else:
            clean_scores[code] = value
    count = None
    if not _given(participants):
        problems.append(
            Problem(
                "grid_participants",
                "Grille incomplète : indiquez le nombre de personnes qui l'ont remplie.",
                PARTIAL_GRID,
            )
        )
    else:
        count, reason = _integer(participants)
        if reason is None and count < 1:
            reason = "au moins une personne"
        if reason is not None:
            problems.append(
                Problem(
                    "grid_participants", f"Nombre de personnes ayant rempli la grille : {reason}."
                )
            )
            count = None
    if problems:
        return None, problems
    ordered_axes = tuple(code for code in AXES_BY_CODE if code in axes)
    return Grid(count, ordered_axes, clean_scores), []


def _criterion_label(code):
    return next(c.label for c in CRITERIA if c.code == code)


def year_problems(year, today):
    """A report is for a year already ended (``today``: a date)."""
    if year is None:
        return [Problem("year", "Année obligatoire.")]
    if year < MIN_YEAR:
        return [Problem("year", f"Année invalide : {year} (à partir de {MIN_YEAR}).")]
    if year >= today.year:
        return [
            Problem(
                "year",
                f"L'année {year} n'est pas terminée : son bilan se remplit à partir du "
                f"1er janvier {year + 1}.",
            )
        ]
    return []


def structure_problems(siret, kind, kind_label=""):
    """The structure exists (``kind`` ``None``: no structure has that SIRET) and is an
    SIAE."""
    if kind is None:
        return [Problem("siret", f"Aucune structure n'a le SIRET « {siret} ».")]
    if kind not in SIAE_KIND_CODES:
        return [
            Problem(
                "siret",
                f"La structure de SIRET {siret} est de type « {kind_label or kind} » : seules "
                f"les SIAE ({', '.join(SIAE_KIND_CODES)}) remplissent un bilan d'utilité "
                "sociale.",
            )
        ]
    return []


def grid_warnings(grid):
    """What is allowed but advised against: a grid filled by fewer than three people."""
    if grid is not None and grid.participants < GRID_PARTICIPANTS_ADVISED:
        return [
            Problem(
                "grid_participants",
                f"La grille a été remplie par {grid.participants} personne(s) : la démarche "
                f"recommande {GRID_PARTICIPANTS_ADVISED} personnes ou plus.",
            )
        ]
    return []


def validate_report(raw_figures, *, year, today, grid=(None, None, None, None)):
    """``(figures, Grid or None, problems)`` of a report to submit: every figure, the
    rules between them, the grid (``(participants, priority_axes, scores, comments)``)
    and the year."""
    figures, problems = clean_figures(raw_figures)
    problems += consistency_problems(figures)
    participants, priority_axes, scores, comments = grid
    clean, grid_problems = clean_grid(participants, priority_axes, scores or {}, comments)
    problems += grid_problems
    problems += year_problems(year, today)
    return figures, clean, problems


def clean_draft(raw_figures, participants, priority_axes, scores, comments):
    """``(figures, grid values, problems)`` of a draft: what is given must be valid, what
    is missing may wait for the submission (figures ``None``, criteria unscored).
    ``grid values`` are the columns ``grid_participants``, ``priority_axes``,
    ``grid_scores``, ``grid_comments``."""
    figures, problems = clean_figures(raw_figures)
    problems = [p for p in problems if _given(raw_figures.get(p.field))]
    scores = {code: value for code, value in (scores or {}).items() if _given(value)}
    comments = {code: text for code, text in (comments or {}).items() if text and text.strip()}
    _, grid_problems = clean_grid(participants, priority_axes, scores, comments)
    # A draft's grid may be partial: only the refused values count.
    problems += [p for p in grid_problems if p.rule != PARTIAL_GRID]
    clean_scores = {}
    for code in CRITERION_CODES:
        if code in scores:
            value, reason = _integer(scores[code])
            if reason is None and value <= SCORE_MAX:
                clean_scores[code] = value
    count = None
    if _given(participants):
        count, reason = _integer(participants)
        if reason is not None or count < 1:
            count = None
    if isinstance(priority_axes, str):
        axes = {code.strip() for code in priority_axes.split(";")}
    else:
        axes = {str(code) for code in priority_axes or ()}
    grid = {
        "grid_participants": count,
        "priority_axes": [code for code in AXES_BY_CODE if code in axes],
        "grid_scores": clean_scores,
        "grid_comments": {c: comments[c] for c in CRITERION_CODES if c in comments},
    }
    return figures, grid, problems
