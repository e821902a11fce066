"""The monthly digest of reporting gaps (``gaps``) e-mailed to each facilitator person: one
mail per person with an active membership, listing exactly the lots of their facilitators
with missing months or late; none when nothing is due; at most one per person and month
(recorded in the journal: action ``clauses.digest`` on the person, ``month`` in its changes)."""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from iae_portal.audit.services import audit_entries_for, audit_record

from . import perms, reporting
from .gaps import first_of_month
from .models import FacilitatorMembership, Lot

DIGEST_ACTION = "clauses.digest"
TEMPLATE = "emails/clauses_digest.txt"


def digest_sent(user, month):
    """Whether ``user``'s digest of ``month`` (a first day of month) went already."""
    return (
        audit_entries_for(user)
        .filter(action=DIGEST_ACTION, changes__month=f"{month:%Y-%m}")
        .exists()
    )


def send_facilitator_digests(today=None):
    """Send the digests of ``today``'s month (``{"sent": n, "nothing_due": n, "already": n}``).

    The lots of every facilitator are read at once (``reporting.gaps_of``: two queries); each
    person gets the lots of the facilitators they actively belong to, as on their home page
    (``perms.followed_lots``)."""
    today = today or timezone.localdate()
    month = first_of_month(today)
    memberships = FacilitatorMembership.objects.filter(
        is_active=True, user__is_active=True
    ).select_related("user")
    facilitators_of, users = defaultdict(set), {}
    for membership in memberships:
        if perms.is_facilitator(membership.user):
            facilitators_of[membership.user_id].add(membership.facilitator_id)
            users[membership.user_id] = membership.user
    followed = {f for ids in facilitators_of.values() for f in ids}
    gaps = reporting.gaps_of(Lot.objects.filter(facilitator_id__in=followed), today)
    by_facilitator = defaultdict(list)
    for lot_gaps in gaps.values():
        by_facilitator[lot_gaps.lot.facilitator_id].append(lot_gaps)
    counts = {"sent": 0, "nothing_due": 0, "already": 0}
    for user_id in sorted(users):
        user = users[user_id]
        rows = reporting.sorted_gaps(
            g for f in facilitators_of[user_id] for g in by_facilitator.get(f, [])
        )
        if not rows:
            counts["nothing_due"] += 1
        elif _send(user, month, rows):
            counts["sent"] += 1
        else:
            counts["already"] += 1
    return counts


@transaction.atomic
def _send(user, month, rows):
    """Record then send ``user``'s digest of ``month`` (a failed send rolls the record back,
    so the next run tries again); ``False`` when it went already."""
    if digest_sent(user, month):
        return False
    audit_record(
        actor=None,
        action=DIGEST_ACTION,
        obj=user,
        changes={"month": f"{month:%Y-%m}", "lots": len(rows)},
    )
    base = settings.PORTAL_BASE_URL
    lots = [
        {
            "gaps": g,
            "url": base + reverse("clauses:detail", args=[g.lot.marche.uuid]),
            "report_url": base
            + reverse("clauses:report_hours", args=[g.lot.uuid])
            + (f"?mois={g.missing[0]:%Y-%m}" if g.missing else ""),
        }
        for g in rows
    ]
    body = render_to_string(
        TEMPLATE,
        {
            "user": user,
            "month": month,
            "lots": lots,
            "missing": sum(1 for g in rows if g.missing),
            "late": sum(1 for g in rows if g.late),
            "tolerance": reporting.late_tolerance(),
            "home": base + reverse("home"),
        },
    )
    count = len(rows)
    subject = f"Portail IAE — {count} lot{'s' if count > 1 else ''} à suivre : heures d'insertion"
    send_mail(subject, body, None, [user.email])
    return True
