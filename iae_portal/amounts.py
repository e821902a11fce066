"""Amounts written as the templates' ``{{ value|floatformat:"2g" }}`` writes them, for the
pages that write many of them in Python (the instruction queue's rows).

``floatformat`` parses its value again from its text, computes a precision, rebuilds the
digits one by one and asks the active language's separators at each call: a dozen
microseconds an amount. ``AmountFormat`` asks the separators once and lets ``Decimal`` and
``format`` do the rest; the text is the filter's, byte for byte
(``tests/test_amounts.py`` compares both on generated numbers, in French and English).
What it does not know how to write the same way (not a number, not finite, beyond
10^20, more than 200 digits and exponent, a grouping other than by three) it leaves to the
filter.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.template.defaultfilters import floatformat
from django.utils import formats

CENT = Decimal("0.01")
LARGEST = 20  # Decimal.adjusted(): beyond 10^20, the filter's own precision rules
AS_IS = 200  # digits and exponent: beyond, the filter gives the value's text as it is


class AmountFormat:
    """``AmountFormat()(value)`` is the text of ``floatformat(value, "2g")`` in the
    language active when it was made (digits and the language's separators: no markup)."""

    def __init__(self):
        grouping = formats.get_format("NUMBER_GROUPING")
        self.grouped = grouping == 3  # otherwise, the filter's way
        self.decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
        self.thousand_separator = formats.get_format("THOUSAND_SEPARATOR")

    def __call__(self, value):
        kind = type(value)
        if self.grouped and (kind is Decimal or kind is int):
            number = Decimal(value)
            _, digits, exponent = number.as_tuple()
            if (
                number.is_finite()
                and len(digits) + abs(exponent) <= AS_IS
                and (not number or number.adjusted() <= LARGEST)
            ):
                rounded = number.quantize(CENT, rounding=ROUND_HALF_UP)
                whole, cents = divmod(abs(rounded), 1)
                text = f"{int(whole):,}".replace(",", self.thousand_separator)
                sign = "-" if rounded < 0 else ""
                return f"{sign}{text}{self.decimal_separator}{int(cents * 100):02d}"
        return floatformat(value, "2g")
