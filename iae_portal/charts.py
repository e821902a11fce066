"""Small server-side SVG charts (no script, so the CSP stays strict).

Text is laid out here, not by the browser: SVG text neither wraps nor grows its box, so a
caption wider than its room is cut. ``text_width`` gives an upper bound of a text's width
(the advances of DejaVu Sans, the widest of the usual sans-serif fonts, which is also the
one WeasyPrint uses for the PDF), captions wrap on spaces to fit, and the view box holds
every text drawn. The horizontal chart puts each caption above its bar, so captions get the
whole width and the chart stays narrow: drawn at its own size at 1280 px, it shrinks at
390 px to no less than 12 px text.
"""

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
