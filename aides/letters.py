"""Award letters and conventions: their context and templates, rendered to PDF by the
core's ``iae_portal.pdf`` (WeasyPrint with a fetcher restricted to ``static/``)."""

from django.template.loader import render_to_string
from django.utils import timezone

from iae_portal.pdf import euros, euros_in_words, html_to_pdf, long_date

from .enums import FundingStatus
from .services import financing_checks

KINDS = {"notification": "Lettre de notification", "convention": "Convention et annexe financière"}


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
        "financing": financial_annex(dossier),
    }


def financial_annex(dossier):
    """The financing plan as the convention's annex prints it (``None`` without a plan):
    the figures are the model's, the region's part the voted amount."""
    plan = financing_checks.plan_of(dossier)
    if plan is None:
        return None
    figures = financing_checks.plan_figures(plan)
    scheme = dossier.campaign.scheme
    rate = figures["rate"]
    return {
        "region": euros(figures["region"]),
        "region_source": financing_checks.region_source(dossier),
        "lines": [
            {
                "funder": line.get_funder_display(),
                "label": line.label,
                "status": line.get_status_display(),
                "counted": line.status != FundingStatus.REFUSE,
                "amount": euros(line.amount),
            }
            for line in plan.lines.all()
        ],
        "funding": euros(figures["funding"]),
        "cost": euros(figures["cost"]),
        "gap": figures["gap"],
        "gap_abs": euros(figures["gap_abs"]),
        "public": euros(figures["public"]),
        "rate": financing_checks.percent(rate) if rate is not None else None,
        "cap": financing_checks.cap_wording(scheme),
    }


def render_letter_html(kind, dossier, letter_settings):
    if kind not in KINDS:
        raise ValueError(kind)
    return render_to_string(f"letters/{kind}.html", letter_context(dossier, letter_settings))


def render_letter_pdf(kind, dossier, letter_settings):
    return html_to_pdf(render_letter_html(kind, dossier, letter_settings))
