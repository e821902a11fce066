"""Numbers read from a query or form parameter, the same way on every page: what is not
one (a word, a sign, a NUL byte, more digits than any column holds, out of the range
asked) is ``None``, for the page to answer 404 or fall back to its default, never to
reach the database (where PostgreSQL would refuse it: a 500)."""

# The range of a PostgreSQL ``integer`` column (and of SQLite's).
INT_MAX = 2**31 - 1
# The years a page may be asked for: four digits, as ``datetime.date`` and the bilans take.
YEAR_MIN, YEAR_MAX = 1000, 9999


def int_param(value, *, minimum=0, maximum=INT_MAX):
    """``value`` (a parameter's text) as an ``int`` between ``minimum`` and ``maximum``
    written in ASCII digits only, else ``None``."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    if len(value.lstrip("0")) > len(str(maximum)):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def year_param(value):
    """``value`` as a year of four digits (1000 to 9999), else ``None``."""
    return int_param(value, minimum=YEAR_MIN, maximum=YEAR_MAX)
