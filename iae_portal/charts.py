"""Small server-side SVG charts (no script, so the CSP stays strict).

Text is laid out here, not by the browser: SVG text neither wraps nor grows its box, so a
caption wider than its room is cut. ``text_width`` gives an upper bound of a text's width
(the advances of DejaVu Sans, the widest of the usual sans-serif fonts, which is also the
one WeasyPrint uses for the PDF), captions wrap on spaces to fit, and the view box holds
every text drawn. The horizontal chart puts each caption above its bar, so captions get the
whole width and the chart stays narrow: drawn at its own size at 1280 px, it shrinks at
390 px to no less than 12 px text.
"""

import math
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

# The text's size in the charts (the stylesheet's ``.chart svg`` says the same).
FONT_SIZE = 14

# Advances of DejaVu Sans, in thousandths of the font size; accented letters take their
# base letter's, anything else the width of an em (more than any character here).
_LOWER = (
    "613 635 550 635 615 352 635 634 278 278 579 278 974 "  # a to m
    "634 612 635 635 411 521 392 634 592 818 592 592 525"  # n to z
)
_UPPER = (
    "684 686 698 770 632 575 775 752 295 295 656 557 863 "  # A to M
    "748 787 603 787 695 635 611 732 684 989 685 611 685"  # N to Z
)
_ADVANCES = {
    **dict(zip("abcdefghijklmnopqrstuvwxyz", map(int, _LOWER.split()), strict=True)),
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", map(int, _UPPER.split()), strict=True)),
    **dict.fromkeys("0123456789€", 636),
    **dict.fromkeys(" .,’\u00a0", 318),
    **dict.fromkeys(";:/", 337),
    **dict.fromkeys("()", 390),
    **dict.fromkeys("«»", 612),
    "'": 275,
    "!": 401,
    "?": 531,
    "-": 361,
    "–": 500,
    "%": 950,
    "&": 780,
    "+": 838,
    "°": 500,
    "*": 500,
    '"': 460,
    "\u202f": 200,
    "œ": 1023,
    "Œ": 1070,
    "æ": 982,
}


def text_width(text, size=FONT_SIZE):
    """An upper bound of ``text``'s width at ``size`` px in the usual sans-serif fonts."""
    total = 0
    for char in str(text):
        advance = _ADVANCES.get(char)
        if advance is None:
            advance = _ADVANCES.get(unicodedata.normalize("NFD", char)[0], 1000)
        total += advance
    return total * size / 1000


def wrap(text, width, size=FONT_SIZE):
    """``text`` as lines of at most ``width`` px, broken on spaces (a word wider than a line
    is broken where it must)."""
    lines = []
    for word in str(text).split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
            continue
        while text_width(word, size) > width:
            cut = next(n for n in range(len(word), 0, -1) if text_width(word[:n], size) <= width)
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines or [""]


# -- A vertical bar chart (a few bars with short captions: years).
WIDTH, HEIGHT, BAR_GAP = 320, 140, 16


def bar_chart(points, *, label):
    """``points``: ``[(caption, value)]`` → geometry of an accessible SVG bar chart, wide
    enough for every caption under its bar."""
    points = [(caption, Decimal(value or 0)) for caption, value in points]
    if not points:
        return None
    top = max((value for _, value in points), default=Decimal(0)) or Decimal(1)
    caption_width = max(text_width(caption) for caption, _ in points)
    step = max((WIDTH - BAR_GAP) / len(points), caption_width + BAR_GAP)
    width = round(BAR_GAP + step * len(points))
    bar_width = step - BAR_GAP
    base = HEIGHT - FONT_SIZE - 8
    bars = []
    for index, (caption, value) in enumerate(points):
        height = float(value / top) * (base - 10)
        x = BAR_GAP + index * step
        bars.append(
            {
                "caption": caption,
                "value": value,
                "x": round(x, 1),
                "y": round(base - height, 1),
                "width": round(bar_width, 1),
                "height": round(height, 1),
                "text_x": round(x + bar_width / 2, 1),
            }
        )
    return {
        "label": label,
        "width": width,
        "height": HEIGHT,
        "bars": bars,
        "base": base,
        "font_size": FONT_SIZE,
    }


# -- A horizontal bar chart (long captions, many bars): each caption above its bar.
H_WIDTH = 340  # 13 px text in the 316 px a card leaves at 390 px
LINE, BAR, ROW_GAP, VALUE_GAP = 17, 14, 10, 6


def hbar_chart(points, *, label, unit="", reference_first=False):
    """``points``: ``[(caption, value)]`` → geometry of an accessible horizontal bar chart;
    ``reference_first`` draws the first bar (an envelope) apart from the others."""
    points = [(caption, Decimal(value or 0)) for caption, value in points]
    top = max((value for _, value in points), default=Decimal(0)) or Decimal(1)
    displays = [
        number_format(value.quantize(Decimal(1), ROUND_HALF_UP), 0, force_grouping=True) + unit
        for _, value in points
    ]
    room = max((text_width(display) for display in displays), default=0)
    span = H_WIDTH - VALUE_GAP - room - 1
    bars = []
    y = 0
    for index, ((caption, value), display) in enumerate(zip(points, displays, strict=True)):
        lines = []
        for text in wrap(caption, H_WIDTH - 1):
            y += LINE if lines else FONT_SIZE
            lines.append({"text": text, "y": y})
        bar_y = y + 6
        width = max(float(value / top), 0) * span
        bars.append(
            {
                "caption": caption,
                "lines": lines,
                "display": display,
                "reference": reference_first and index == 0,
                "y": bar_y,
                "value_y": bar_y + BAR - 2,
                "width": round(width, 1),
                "value_x": round(width + VALUE_GAP, 1),
            }
        )
        y = bar_y + BAR + ROW_GAP
    return {
        "label": label,
        "width": H_WIDTH,
        "height": max(y - ROW_GAP + 4, 1),
        "font_size": FONT_SIZE,
        "bar_height": BAR,
        "bars": bars,
    }


# -- A radar chart (the DTS grid's axes, 0 to ``scale_max``): one polygon per series.
#
# Two layouts of the same chart: ``wide``, each axis's label around the rings (wrapped on
# spaces, never cut), drawn at its own size from 700 px; ``compact``, each axis by its
# number, narrow enough for a phone's 316 px at its own size (the table of values beside
# it names each number). The stylesheet shows one of them (``.radar-wide``,
# ``.radar-compact``), the other is ``display: none``, hidden from screen readers too.
RADAR_RADIUS, RADAR_COMPACT_RADIUS = 150, 128
RADAR_LABEL_WIDTH = 132  # the longest word of an axis (« Décloisonnement ») fits
RADAR_GAP, RADAR_PAD = 10, 4
# Series are told apart by their dash pattern (and the legend), not by colour alone: the
# first is solid and filled, the reference (medians) dash-dotted, the others dashed or
# dotted.
RADAR_DASHES = ("", "8 5", "2 4", "12 4 2 4 2 4")
RADAR_REFERENCE_DASH = "14 5 3 5"


def _radar_point(angle, distance):
    return distance * math.cos(angle), distance * math.sin(angle)


def _overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _radar_labels(angles, texts, radius, width):
    """Each axis's text as lines around the rings: anchored by its side (start on the
    right, end on the left, middle at the top and bottom), above the rings' top half and
    below their bottom half; a label that would overlap one placed before is pushed away
    from the centre."""
    placed, labels = [], []
    # Those nearest to the horizontal first: the crowded top and bottom move, not the sides.
    order = sorted(range(len(angles)), key=lambda i: abs(math.sin(angles[i])))
    for index in order:
        angle = angles[index]
        x, y = _radar_point(angle, radius + RADAR_GAP)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "start" if cos > 0.2 else "end" if cos < -0.2 else "middle"
        lines = wrap(texts[index], width)
        widest = max(text_width(line) for line in lines)
        height = FONT_SIZE + LINE * (len(lines) - 1)
        if sin < -0.2:  # the top half: the text's bottom at the point
            top = y - height - 2
        elif sin > 0.2:  # the bottom half: the text's top at the point
            top = y + 2
        else:
            top = y - height / 2
        left = {"start": x, "middle": x - widest / 2, "end": x - widest}[anchor]
        step = 2 if sin >= 0 else -2
        box = (left, top, left + widest, top + height + FONT_SIZE * 0.25)
        while any(_overlaps(box, other) for other in placed):
            top += step
            box = (left, top, left + widest, top + height + FONT_SIZE * 0.25)
        placed.append(box)
        labels.append(
            (
                index,
                {
                    "x": x,
                    "anchor": anchor,
                    "lines": [
                        {"text": line, "y": top + FONT_SIZE + LINE * n}
                        for n, line in enumerate(lines)
                    ],
                    "box": box,
                },
            )
        )
    return [label for _, label in sorted(labels, key=lambda pair: pair[0])]


def _radar_layout(codes, texts, series, *, radius, label_width, scale_max):
    count = len(codes)
    angles = [-math.pi / 2 + 2 * math.pi * i / count for i in range(count)]
    labels = _radar_labels(angles, texts, radius, label_width)
    ring_values = list(range(scale_max + 1))
    # Each ring's value just inside it, right of the first axis (clear of its label).
    ring_labels = [
        {"text": str(value), "x": 4, "y": -radius * value / scale_max + FONT_SIZE + 1}
        for value in ring_values
    ]
    boxes = [label["box"] for label in labels]
    boxes.append((-radius, -radius, radius, radius))
    boxes += [
        (ring["x"], ring["y"] - FONT_SIZE, ring["x"] + text_width(ring["text"]), ring["y"])
        for ring in ring_labels
    ]
    left = min(b[0] for b in boxes) - RADAR_PAD
    top = min(b[1] for b in boxes) - RADAR_PAD
    right = max(b[2] for b in boxes) + RADAR_PAD
    bottom = max(b[3] for b in boxes) + RADAR_PAD
    cx, cy = -left, -top

    def at(angle, distance):
        x, y = _radar_point(angle, distance)
        return round(cx + x, 1), round(cy + y, 1)

    def polygon(distances):
        return " ".join(
            f"{x},{y}"
            for x, y in (at(a, d) for a, d in zip(angles, distances, strict=True) if d is not None)
        )

    drawn = []
    for item in series:
        distances = [
            None if value is None else radius * float(value) / scale_max for value in item["values"]
        ]
        drawn.append(
            {
                **{k: v for k, v in item.items() if k != "values"},
                "points": polygon(distances),
                "markers": [
                    {"x": x, "y": y}
                    for x, y in (
                        at(a, d) for a, d in zip(angles, distances, strict=True) if d is not None
                    )
                ],
            }
        )
    return {
        "width": math.ceil(right - left),
        "height": math.ceil(bottom - top),
        "cx": round(cx, 1),
        "cy": round(cy, 1),
        "radius": radius,
        "rings": [
            {"value": value, "points": polygon([radius * value / scale_max] * count)}
            for value in ring_values[1:]
        ],
        "ring_labels": [
            {"text": ring["text"], "x": round(cx + ring["x"], 1), "y": round(cy + ring["y"], 1)}
            for ring in ring_labels
        ],
        "spokes": [dict(zip(("x", "y"), at(angle, radius), strict=True)) for angle in angles],
        "labels": [
            {
                "x": round(cx + label["x"], 1),
                "anchor": label["anchor"],
                "lines": [
                    {"text": line["text"], "y": round(cy + line["y"], 1)} for line in label["lines"]
                ],
            }
            for label in labels
        ],
        "series": drawn,
    }


def _score(value, scale_max):
    if value is None:
        return None
    return min(max(Decimal(value), Decimal(0)), Decimal(scale_max))


def radar_chart(axes, series, *, label, scale_max=3):
    """``axes``: ``[(code, label)]`` in the radar's order; ``series``: ``[{"name": …,
    "short": … (the table's heading, the name by default), "values": {code: score or
    None}, "reference": bool}]`` (the first drawn solid and
    filled, a reference — medians — dash-dotted) → geometry of an accessible SVG radar
    chart in two layouts (``wide`` with the labels, ``compact`` with the axes' numbers), its
    legend and the table of its values (scores in French, « — » where none)."""
    axes = list(axes)
    if not axes or not series:
        return None
    codes = [code for code, _ in axes]
    styled, others = [], 0
    for index, item in enumerate(series):
        reference = bool(item.get("reference"))
        if reference:
            dash = RADAR_REFERENCE_DASH
        else:
            dash = RADAR_DASHES[min(others, len(RADAR_DASHES) - 1)]
            others += 1
        values = [_score(item["values"].get(code), scale_max) for code in codes]
        styled.append(
            {
                "name": item["name"],
                "short": item.get("short") or item["name"],
                "values": values,
                "index": index,
                "main": index == 0 and not reference,
                "reference": reference,
                "dash": dash,
            }
        )
    numbers = [str(n) for n in range(1, len(axes) + 1)]
    shared = {"scale_max": scale_max}
    wide = _radar_layout(
        codes,
        [text for _, text in axes],
        styled,
        radius=RADAR_RADIUS,
        label_width=RADAR_LABEL_WIDTH,
        **shared,
    )
    compact = _radar_layout(
        codes,
        numbers,
        styled,
        radius=RADAR_COMPACT_RADIUS,
        label_width=RADAR_LABEL_WIDTH,
        **shared,
    )
    return {
        "label": label,
        "font_size": FONT_SIZE,
        "scale_max": scale_max,
        "wide": wide,
        "compact": compact,
        "layouts": [(wide, "wide"), (compact, "compact")],
        "legend": [
            {k: item[k] for k in ("name", "short", "index", "main", "reference", "dash")}
            for item in styled
        ],
        "rows": [
            {
                "number": number,
                "code": code,
                "label": text,
                "values": [_display_score(item["values"][n]) for item in styled],
            }
            for n, (number, (code, text)) in enumerate(zip(numbers, axes, strict=True))
        ],
    }


def _display_score(value):
    """A score in French: one decimal, two when it has them (a median: 1,25); half-up
    (Django's ``number_format`` cuts)."""
    if value is None:
        return "—"
    value = Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    places = 1 if value == value.quantize(Decimal("0.1")) else 2
    return number_format(value, places, use_l10n=True)


# -- A band chart (a statistic over the years): per year the q1–q3 band and its median.
BAND_HEIGHT, BAND_STEP_MIN, BAND_WIDTH_MIN = 180, 72, 300


def nice_ceiling(value):
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ) at or above ``value``
    (> 0): a scale's top."""
    value = Decimal(value)
    power = Decimal(10) ** (value.adjusted())
    for step in ("1", "1.5", "2", "2.5", "3", "4", "5", "6", "8", "10"):
        step = Decimal(step)
        if power * step >= value:
            return power * step
    return power * 10


def band_chart(points, *, label, display=str, top=None):
    """``points``: ``[(caption, median, q1, q3)]`` (``None``: not given, e.g. under the
    privacy threshold) → geometry of an accessible SVG chart: for each caption (a year) the
    band from q1 to q3 and the median across it, the medians joined; three grid lines
    labelled with ``display(value)``, up to ``top`` (by default a round number above the
    highest q3)."""
    points = [
        (caption, *(None if v is None else Decimal(v) for v in values))
        for caption, *values in points
    ]
    if not points:
        return None
    if top is None:
        highest = max((q3 for *_, q3 in points if q3 is not None), default=Decimal(0))
        top = nice_ceiling(highest) if highest > 0 else Decimal(1)
    top = Decimal(top)
    ticks = [Decimal(0), top / 2, top]
    tick_texts = [display(value) for value in ticks]
    left = max(text_width(text) for text in tick_texts) + 8
    step = max(BAND_STEP_MIN, max(text_width(str(p[0])) for p in points) + 12)
    plot_top, base = FONT_SIZE, BAND_HEIGHT - FONT_SIZE - 10
    step = max(step, (BAND_WIDTH_MIN - left - 4) / len(points))
    width = math.ceil(left + step * len(points) + 4)

    def y_of(value):
        return round(base - float(value / top) * (base - plot_top), 1)

    bands, line = [], []
    for index, (caption, median, q1, q3) in enumerate(points):
        x = left + step * index + step / 2
        band = {"caption": caption, "x": round(x, 1), "given": median is not None}
        if median is not None:
            band.update(
                median_y=y_of(median),
                q1_y=y_of(q3),  # the band's top is q3's height
                band_height=round(y_of(q1) - y_of(q3), 1),
                band_x=round(x - step / 4, 1),
                band_width=round(step / 2, 1),
                median_x1=round(x - step / 3, 1),
                median_x2=round(x + step / 3, 1),
                title=f"{caption} : médiane {display(median)}, quartiles {display(q1)} à "
                f"{display(q3)}",
            )
            line.append(f"{round(x, 1)},{y_of(median)}")
        else:
            band["title"] = f"{caption} : moins de 3 bilans, non diffusé"
        bands.append(band)
    return {
        "label": label,
        "width": width,
        "height": BAND_HEIGHT,
        "font_size": FONT_SIZE,
        "left": round(left - 4, 1),
        "right": width,
        "base": base,
        "caption_y": BAND_HEIGHT - 4,
        "grid": [
            {"y": y_of(value), "text": text, "text_y": y_of(value) + FONT_SIZE * 0.35}
            for value, text in zip(ticks, tick_texts, strict=True)
        ],
        "bands": bands,
        "line": " ".join(line),
    }
