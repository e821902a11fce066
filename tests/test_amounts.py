"""``iae_portal.amounts.AmountFormat`` writes what ``floatformat:"2g"`` writes."""

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from iae_portal.amounts import AmountFormat

numbers = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12),
    st.decimals(allow_nan=False, allow_infinity=False),  # any exponent, any places
    st.integers(min_value=-(10**25), max_value=10**25),
    st.sampled_from([Decimal("0.005"), Decimal("-0.005"), Decimal("-0.004"), Decimal("-0"),
                     Decimal("999.995"), Decimal("1E+3"), Decimal("1E+21"), Decimal("0E-10"),
                     Decimal("1E-201"), Decimal("0E-300"), Decimal("1." + "3" * 200)]),
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(number=numbers, language=st.sampled_from(["fr-fr", "en", "de-ch"]))
def test_as_the_filter(number, language):
    with translation.override(language):
        assert AmountFormat()(number) == floatformat(number, "2g")


def test_french_amounts():
    with translation.override("fr-fr"):
        write = AmountFormat()
        assert write(Decimal("106650")) == "106\xa0650,00"
        assert write(Decimal("1234567.005")) == "1\xa0234\xa0567,01"
        assert write(Decimal("-1234.5")) == "-1\xa0234,50"
        assert write(Decimal("-0.001")) == "0,00"
        assert write(7) == "7,00"


def test_what_it_leaves_to_the_filter():
    with translation.override("fr-fr"):
        write = AmountFormat()
        for value in (
            Decimal("NaN"),
            Decimal("Infinity"),
            1.5,
            "12.5",
            None,
            Decimal("1E+30"),
            Decimal("1E-201"),  # digits and exponent over 200: the filter gives it as it is
            Decimal("0E-300"),
        ):
            assert write(value) == floatformat(value, "2g")
