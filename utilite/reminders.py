"""The missing reports' reminder (the statistics page's « Relancer »): one e-mail per
structure, to its active directors together, journalled on the structure, at most once a
day for a year (a second click the same day is refused, whoever clicks).

Who may send it is ``perms.can_remind``'s to say; this service keeps the rules: the
structure must still be missing its report of the year and have a director to write to.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from iae_portal.audit.services import audit_record
from structures.enums import MembershipRole
from structures.models import Membership, Structure

from . import bilan
from .enums import AWAITED, ReportStatus
from .models import SocialReport
from .presenters import REMIND_ACTION, REMIND_KEY, last_reminders

TEMPLATE = "emails/utilite_reminder.txt"


def directors_emails(structure):
    return sorted(
        Membership.objects.filter(
            structure=structure,
            is_active=True,
            role=MembershipRole.DIRECTEUR,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )


@transaction.atomic
def remind_missing_report(*, actor, structure, year, today=None):
    """E-mail ``structure``'s directors that its report of ``year`` is awaited, and journal
    it (``utilite.remind``). Returns the addresses written to. Raises ``ValidationError``
    (French) when the report is no longer missing, when there is no director, or when a
    reminder for that year was already sent today."""
    today = today or timezone.localdate()
    # One reminder at a time per structure: the row lock orders two clicks.
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    if not bilan.expected_structures(year).filter(pk=structure.pk).exists():
        raise ValidationError(
            f"« {structure.name} » n'est pas attendue pour un bilan {year} "
            "(aucun conventionnement SIAE cette année-là)."
        )
    report = SocialReport.objects.filter(structure=structure, year=year).first()
    if report is not None and report.status not in AWAITED:
        raise ValidationError(
            f"Le bilan {year} de « {structure.name} » est "
            f"{report.get_status_display().lower()} : il n'est plus attendu."
        )
    last = last_reminders([structure], year).get(str(structure.uuid))
    if last is not None and timezone.localdate(last) == today:
        raise ValidationError(
            f"« {structure.name} » a déjà été relancée aujourd'hui pour son bilan {year} : "
            "une relance par jour au plus."
        )
    emails = directors_emails(structure)
    if not emails:
        raise ValidationError(
            f"« {structure.name} » n'a aucun directeur actif sur le portail : personne à relancer."
        )
    audit_record(
        actor=actor,
        action=REMIND_ACTION,
        obj=structure,
        changes={REMIND_KEY: [None, year]},
        reason=f"{len(emails)} destinataire(s)",
    )
    status = report.get_status_display().lower() if report is not None else None
    body = render_to_string(
        TEMPLATE,
        {
            "structure": structure,
            "year": year,
            "status": status,
            "sent_back": report is not None and report.status == ReportStatus.A_CORRIGER,
            "due": f"30 juin {year + 1}",
            "url": settings.PORTAL_BASE_URL + reverse("structures:detail", args=[structure.siret]),
        },
    )
    # Sent inside the transaction: a mail server refusing it leaves no journal entry.
    send_mail(
        f"Portail IAE — votre bilan d'utilité sociale {year} est attendu",
        body,
        None,
        emails,
    )
    return emails
