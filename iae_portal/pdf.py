"""PDF rendering with WeasyPrint, and the French wording letters use for amounts and dates.

A document may only read files under ``static/`` (its stylesheet, the letterhead): the URL
fetcher refuses everything else, network and file alike, so data typed by users (a
structure's name, a project title) can never make a document fetch anything. Text from users
is escaped by the templates.
"""

import mimetypes
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.utils import formats
from num2words import num2words
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_ROOT = Path(settings.BASE_DIR, "static").resolve()


class StaticOnlyFetcher(URLFetcher):
    """Serves files under ``static/`` and nothing else; refused URLs are listed."""

    def __init__(self, root=STATIC_ROOT):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)
        self.root = Path(root).resolve()
        self.refused = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(url2pathname(parts.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": content_type}
                )
        self.refused.append(url)
        raise ValueError(f"A document fetches nothing outside static/: {url}")


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
    document = HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(pdf_tags=True)
