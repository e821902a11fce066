"""PDF rendering with WeasyPrint, and the French wording letters use for amounts and dates.

A document may only read files under ``static/`` (its stylesheet, the letterhead): the URL
fetcher refuses everything else, network and file alike, so data typed by users (a
structure's name, a project title) can never make a document fetch anything. Text from users
is escaped by the templates.
"""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.utils import formats
from num2words import num2words

STATIC_ROOT = Path(settings.BASE_DIR, "static").resolve()


def StaticOnlyFetcher(root=STATIC_ROOT):
    """A fetcher serving files under ``static/`` and nothing else; its ``refused`` lists the
    URLs it refused (``iae_portal.pdf_render.StaticOnlyFetcher``; named as a class because
    callers and tests construct it, and spy on it, as one)."""
    return _rendering().StaticOnlyFetcher(root)


def _rendering():
    """``iae_portal.pdf_render``, WeasyPrint's side, imported at the first PDF: not at
    start-up, where every process (a command's too) would pay ≈ 23 MB and 0.8 s for it."""
    from . import pdf_render

    return pdf_render


def euros(amount):
    """``Decimal("1234.56")`` → ``"1 234,56 €"`` (no-break spaces)."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",") + "\u00a0€"


def euros_in_words(amount):
    """``Decimal("106650")`` → ``"cent six mille six cent cinquante euros"``."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, cents = int(amount), int((amount - int(amount)) * 100)
    words = num2words(whole, lang="fr")
    unit = "euro" if whole in (0, 1) else "euros"
    if words.endswith(("million", "millions", "milliard", "milliards")):
        unit = "d'euros"  # « un million d'euros »
    text = f"{words} {unit}"
    if cents:
        text += f" et {num2words(cents, lang='fr')} centime{'s' if cents > 1 else ''}"
    return text


def long_date(day):
    """``date(2026, 11, 24)`` → ``"24 novembre 2026"`` (``"1er"`` for the first)."""
    text = formats.date_format(day, "j F Y")
    return "1er" + text[1:] if day.day == 1 else text


def html_to_pdf(html, fetcher=None):
    """PDF bytes of ``html``; relative URLs resolve under ``static/``."""
    fetcher = fetcher or StaticOnlyFetcher()
    return _rendering().write_pdf(html, base_url=STATIC_ROOT.as_uri() + "/", fetcher=fetcher)
