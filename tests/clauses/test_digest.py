"""The monthly digest of reporting gaps (issue 19, part 1): one e-mail per facilitator
person with exactly their lots, none when nothing is due, not twice in a month."""

import datetime

import pytest
from django.conf import settings
from django.core import mail

from clauses import tasks
from clauses.services_digest import send_facilitator_digests
from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from tests.clauses.factories import (
    FacilitatorFactory,
    FacilitatorMembershipFactory,
    HoursReportFactory,
    LotFactory,
    MarcheFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 9, 5)  # January to July due (August in its grace period)
START = datetime.date(2025, 1, 1)


def member(email, facilitator, **kwargs):
    return FacilitatorMembershipFactory(
        user__email=email, user__role=Role.FACILITATEUR, facilitator=facilitator, **kwargs
    ).user


def complete(lot, months=7, hours=10):
    for month in range(1, months + 1):
        HoursReportFactory(lot=lot, period=datetime.date(2025, month, 1), hours=hours)


@pytest.fixture
def world():
    nancy, metz, reims = (FacilitatorFactory(name=n) for n in ("PLIE Nancy", "MDE Metz", "Reims"))
    marche = MarcheFactory(ref="M-2025-01", notification_date=START)
    gap = LotFactory(marche=marche, ref="L-TROU", facilitator=nancy, hours_required=120)
    complete(gap, months=6)  # July missing
    late = LotFactory(marche=marche, ref="L-LENT", facilitator=metz, hours_required=1200)
    complete(late)  # 70 h for 700 expected
    fine = LotFactory(marche=marche, ref="L-OK", facilitator=reims, hours_required=120)
    complete(fine)
    LotFactory(marche=marche, ref="L-SANS", facilitator=reims, clause="none", hours_required=0)
    ended = LotFactory(
        marche=MarcheFactory(ref="M-2023", notification_date=datetime.date(2023, 1, 1)),
        facilitator=reims,
    )
    return {
        "ana": member("ana@example.org", nancy),
        "both": member("both@example.org", nancy),
        "marc": member("marc@example.org", metz),
        "rita": member("rita@example.org", reims),
        "gone": member("gone@example.org", nancy, is_active=False),
        "ended": ended,
    }


def sent_to():
    return {m.to[0]: m for m in mail.outbox}


def test_one_mail_per_facilitator_person_with_exactly_their_lots(world):
    FacilitatorMembershipFactory(
        user=world["both"], facilitator=FacilitatorFactory(name="MDE Metz")
    )
    counts = send_facilitator_digests(TODAY)
    mails = sent_to()
    assert sorted(mails) == ["ana@example.org", "both@example.org", "marc@example.org"]
    assert len(mail.outbox) == 3
    assert counts == {"sent": 3, "nothing_due": 1, "already": 0}
    ana, both, marc = (
        mails["ana@example.org"].body,
        mails["both@example.org"].body,
        mails["marc@example.org"].body,
    )
    assert "L-TROU" in ana and "juillet 2025" in ana and "L-LENT" not in ana
    assert "L-LENT" in marc and "En retard" in marc and "L-TROU" not in marc
    assert "700 h attendues à fin juillet 2025" in marc
    assert "L-TROU" in both and "L-LENT" in both
    for body in (m.body for m in mails.values()):
        assert "L-OK" not in body and "L-SANS" not in body and world["ended"].ref not in body
        assert settings.PORTAL_BASE_URL in body and "{" not in body
    assert mails["ana@example.org"].subject == "Portail IAE — 1 lot à suivre : heures d'insertion"


def test_no_mail_when_nothing_is_due(world):
    # In February 2025 only January could be due, and it is in its grace period.
    assert send_facilitator_digests(datetime.date(2025, 2, 5))["sent"] == 0
    assert mail.outbox == []


def test_not_twice_in_a_month_and_again_the_next_month(world):
    send_facilitator_digests(TODAY)
    assert len(mail.outbox) == 3
    counts = send_facilitator_digests(TODAY + datetime.timedelta(days=20))
    assert counts["already"] == 3 and len(mail.outbox) == 3
    entries = AuditEntry.objects.filter(action="clauses.digest")
    assert entries.count() == 3
    assert {e.changes["month"] for e in entries} == {"2025-09"}
    # In October, August is due too: L-OK misses it, so its facilitator gets a mail as well.
    send_facilitator_digests(datetime.date(2025, 10, 5))
    assert len(mail.outbox) == 7 and mail.outbox[-1].to == ["rita@example.org"]


def test_a_failed_send_is_tried_again(world, monkeypatch):
    def fail(*args, **kwargs):
        raise ConnectionError("SMTP")

    monkeypatch.setattr("clauses.services_digest.send_mail", fail)
    with pytest.raises(ConnectionError):
        send_facilitator_digests(TODAY)
    assert not AuditEntry.objects.filter(action="clauses.digest").exists()
    monkeypatch.undo()
    assert send_facilitator_digests(TODAY)["sent"] == 3


def test_the_task_is_scheduled_monthly_and_sends(world, monkeypatch):
    entry = settings.CELERY_BEAT_SCHEDULE["clauses-facilitator-digests"]
    assert entry["task"] == "clauses.tasks.send_facilitator_digests"
    assert entry["schedule"].day_of_month == {5}
    monkeypatch.setattr("clauses.services_digest.timezone.localdate", lambda: TODAY)
    assert tasks.send_facilitator_digests()["sent"] == 3


@pytest.mark.parametrize("count", [2, 10])
def test_query_count_grows_with_mails_not_lots(django_assert_max_num_queries, count):
    user = member("seul@example.org", FacilitatorFactory(name="Seul"))
    facilitator = user.facilitator_memberships.get().facilitator
    for _ in range(count):
        LotFactory(facilitator=facilitator, marche__notification_date=START)
    with django_assert_max_num_queries(12):
        send_facilitator_digests(TODAY)
    assert len(mail.outbox) == 1 and mail.outbox[0].body.count("Mois sans heure") == count
