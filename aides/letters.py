"""Award letters and conventions rendered to PDF with WeasyPrint.

A letter may only read files under ``static/`` (its stylesheet, the letterhead): the URL
fetcher refuses everything else, network and file alike, so data typed by users (a
structure's name, a project title) can never make a letter fetch anything. Text from users
is escaped by the templates.
"""

import mimetypes
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from num2words import num2words
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_ROOT = Path(settings.BASE_DIR, "static").resolve()
KINDS = {"notification": "Lettre de notification", "convention": "Convention et annexe financière"}


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
        raise ValueError(f"A letter fetches nothing outside static/: {url}")


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


class LetterNotReady(Exception):
    """The letter would cite a deliberation dated after the letter itself."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def not_ready_reason(dossier):
    """Why the letters of ``dossier`` cannot be written today, or ``None``: a letter is
    dated the day it is written and never cites a later deliberation."""
    if dossier.commission_id and not dossier.commission.has_met:
        return dossier.commission.not_met_message
    return None


def in_sentence(title):
    """``"La Présidente du Conseil régional"`` → ``"la Présidente…"`` inside a sentence (a
    leading article only: a person's name keeps its capital)."""
    head, space, rest = title.partition(" ")
    if head in ("La", "Le", "Les") or head.startswith("L'") or head.startswith("L’"):
        return head[0].lower() + head[1:] + space + rest
    return title


def letter_context(dossier, letter_settings):
    reason = not_ready_reason(dossier)
    if reason:
        raise LetterNotReady(reason)
    instalments = list(dossier.instalments.order_by("year"))
    commission_date = dossier.commission.date if dossier.commission_id else None
    return {
        "dossier": dossier,
        "structure": dossier.structure,
        "scheme": dossier.campaign.scheme,
        "settings": letter_settings,
        "signatory_in_sentence": in_sentence(letter_settings.signatory_name),
        "today": long_date(timezone.localdate()),
        "commission_date": long_date(commission_date) if commission_date else "",
        "amount": euros(dossier.voted_amount or 0),
        "amount_words": euros_in_words(dossier.voted_amount or 0),
        "instalments": [(i.year, euros(i.amount)) for i in instalments],
    }


def render_letter_html(kind, dossier, letter_settings):
    if kind not in KINDS:
        raise ValueError(kind)
    return render_to_string(f"letters/{kind}.html", letter_context(dossier, letter_settings))


def html_to_pdf(html, fetcher=None):
    """PDF bytes of ``html``; relative URLs resolve under ``static/``."""
    fetcher = fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(pdf_tags=True)


def render_letter_pdf(kind, dossier, letter_settings):
    return html_to_pdf(render_letter_html(kind, dossier, letter_settings))
