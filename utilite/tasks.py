"""Celery tasks of social utility: thin wrappers, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from structures.enums import MembershipRole
from structures.models import Membership

from .enums import ReportStatus
from .models import ReportDelegate, SocialReport

REVIEWS = {
    # action → (the status the report must still have, template, subject)
    "validate": (
        ReportStatus.VALIDE,
        "emails/utilite_validated.txt",
        "Bilan d'utilité sociale {year} validé — {structure}",
    ),
    "send_back": (
        ReportStatus.A_CORRIGER,
        "emails/utilite_sent_back.txt",
        "Bilan d'utilité sociale {year} à corriger — {structure}",
    ),
}


def report_recipients(structure):
    """Who fills the structure's reports in: its active directors and the employees they
    allowed while their membership is active (addresses, sorted)."""
    members = Membership.objects.filter(structure=structure, is_active=True, user__is_active=True)
    delegated = ReportDelegate.objects.filter(structure=structure).values("user_id")
    emails = members.filter(role=MembershipRole.DIRECTEUR).values_list("user__email", flat=True)
    emails = set(emails) | set(
        members.filter(user_id__in=delegated).values_list("user__email", flat=True)
    )
    return sorted(email for email in emails if email)


@shared_task(acks_late=True)
def send_review_email(report_id, action):
    """Tell those who fill the report in that staff validated it or sent it back (nothing
    when the report has changed status since: a later review sends its own)."""
    status, template, subject = REVIEWS[action]
    report = (
        SocialReport.objects.select_related("structure").filter(pk=report_id, status=status).first()
    )
    if report is None:
        return
    recipients = report_recipients(report.structure)
    if not recipients:
        return
    url = settings.PORTAL_BASE_URL + reverse(
        "utilite:report", args=[report.structure.siret, report.year]
    )
    body = render_to_string(template, {"report": report, "url": url})
    send_mail(
        subject.format(year=report.year, structure=report.structure.name),
        body,
        None,
        recipients,
    )
