"""The DLA's background work: e-mails."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from iae_portal.users.models import User

from .models import Deliverable


def _recipients(deliverable):
    """Who hears that a deliverable was removed: the active chargés de mission of the
    accompaniment's DLA, and whoever uploaded it."""
    accompaniment = deliverable.prestation.accompaniment
    people = User.objects.filter(
        is_active=True,
        dla_memberships__dla_id=accompaniment.dla_id,
        dla_memberships__is_active=True,
    )
    emails = dict.fromkeys(person.email for person in people)
    if deliverable.uploaded_by.is_active:
        emails[deliverable.uploaded_by.email] = None
    return list(emails)


@shared_task
def send_deliverable_infected_email(deliverable_id):
    """Tell the DLA that a deliverable kept while the antivirus was away was infected, and
    removed: it must be sent again."""
    deliverable = (
        Deliverable.objects.select_related("prestation__accompaniment", "uploaded_by")
        .filter(pk=deliverable_id)
        .first()
    )
    if deliverable is None:
        return 0
    recipients = _recipients(deliverable)
    if not recipients:
        return 0
    accompaniment = deliverable.prestation.accompaniment
    body = render_to_string(
        "emails/deliverable_infected.txt",
        {
            "deliverable": deliverable,
            "accompaniment": accompaniment,
            "url": settings.PORTAL_BASE_URL + accompaniment.get_absolute_url(),
        },
    )
    subject = f"Accompagnement {accompaniment.ref} : un livrable a été retiré"
    for email in recipients:
        send_mail(subject, body, None, [email])
    return len(recipients)
