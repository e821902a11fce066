"""When the follow-up contacts are due (dla.md, step 5: contacts at 6, 12 and 24 months).

The contact at N months is due N months after the end of the accompaniment's last
prestation (the engineering, step 4, which the follow-up of step 5 comes after). It may be
recorded from ``DUE_NOTICE`` before that day (``opens_on``: the service refuses an earlier
contact date), and it is listed from that same day until it is recorded, or until a later
contact is (once the 12-month contact is recorded, the 6-month one is moot). Closed
accompaniments, and those without prestations, owe nothing.

The list filter, the home page and the service use the same rule: ``due_condition`` in the
database, ``due_milestones`` on the rows it returned, ``opens_on`` for one contact.
"""

import calendar
import datetime
import functools
import operator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from .enums import Milestone

DUE_NOTICE = datetime.timedelta(days=30)
ONE_DAY = datetime.timedelta(days=1)


def add_months(day, months):
    """``day`` + ``months`` calendar months, clamped to the month's last day (31/08 + 6 →
    28/02 or 29/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def due_on(last_end, months):
    """The day the contact at ``months`` is due."""
    return add_months(last_end, months)


def opens_on(last_end, months):
    """The first day the contact at ``months`` may take place: ``DUE_NOTICE`` before it is
    due."""
    return due_on(last_end, months) - DUE_NOTICE


def schedule(last_end):
    """``[(milestone, due date, first possible day)]`` of every contact (none without an
    end)."""
    if last_end is None:
        return []
    return [
        (Milestone(months), due_on(last_end, months), opens_on(last_end, months))
        for months in Milestone.values
    ]


def latest_end(limit, months):
    """The latest end date whose contact at ``months`` falls on or before ``limit`` (the
    inverse of ``add_months``, which clamping makes non-trivial near the end of February)."""
    day = add_months(limit, -months)
    while add_months(day + ONE_DAY, months) <= limit:
        day += ONE_DAY
    return day


def due_condition(today, follow_ups):
    """A ``Q`` on accompaniments annotated with ``last_end``: some contact is due.
    ``follow_ups``: the recorded contacts (``FollowUp.objects``; the models hand it over, this
    module imports none of them)."""
    limit = today + DUE_NOTICE
    conditions = []
    for months in Milestone.values:
        recorded = follow_ups.filter(accompaniment_id=OuterRef("pk"), milestone__gte=months)
        conditions.append(Q(last_end__lte=latest_end(limit, months)) & ~Exists(recorded))
    return functools.reduce(operator.or_, conditions)


def due_milestones(last_end, latest_recorded, today):
    """``[(milestone, due date)]`` due by ``today`` + ``DUE_NOTICE``, after the latest
    recorded contact (``latest_recorded``: a milestone or ``None``)."""
    return [
        (milestone, due)
        for milestone, due, opens in schedule(last_end)
        if milestone > (latest_recorded or 0) and opens <= today
    ]


@dataclass
class DueFollowUp:
    accompaniment: object
    milestones: list  # [(Milestone, due date)], oldest first
    today: datetime.date

    @property
    def milestone(self):
        """The contact to record now: the latest due (it makes the earlier ones moot)."""
        return self.milestones[-1][0]

    @property
    def due_on(self):
        return self.milestones[-1][1]

    @property
    def overdue(self):
        return self.due_on < self.today

    @property
    def missed(self):
        return [milestone for milestone, _ in self.milestones[:-1]]


def follow_ups_due(accompaniments, today, *, limit=None):
    """``DueFollowUp`` rows of ``accompaniments`` (a queryset), oldest engineering first,
    ``limit`` at most; a bounded number of queries (the structures are prefetched)."""
    rows = (
        accompaniments.follow_up_due(today)
        .with_latest_follow_up()
        .select_related("dla__department")
        .prefetch_related("structures", "prestations__beneficiaries")
        .order_by("last_end", "ref")
    )
    return [
        DueFollowUp(a, due_milestones(a.last_end, a.latest_follow_up, today), today)
        for a in rows[:limit]
    ]
