"""What the clauses app shows on pages of the core and of structures, through the
registries of ``iae_portal.sections``: the insertion hours a structure delivered, and on the
home page the lots whose hours a facilitator has to report, the contracts of the clause
officer. Registered by ``ClausesConfig.ready()``."""

import datetime
from urllib.parse import urlencode

from django.db.models import Prefetch, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone

from iae_portal.sections import counter, home_page, structure_page
from structures import perms as structure_perms
from structures.models import Department

from . import partnership, perms, reporting
from .enums import RESERVED_TO, Clause
from .gaps import all_expected_months
from .models import Facilitator, QuarterlyReview
from .querysets import with_realised

LOTS_SHOWN = 50


# -- The structure page ------------------------------------------------------------------


def structure_section(request, structure):
    """The insertion hours ``structure`` delivered as an SIAE, per lot and year (totals
    only: no participant reference), for those ``perms.can_view_structure_hours`` allows;
    the contract links only for those who may open it."""
    user = request.user
    if not perms.can_view_structure_hours(user, structure):
        return None
    rows = list(
        perms.structure_hours(structure)
        .annotate(year=ExtractYear("period"))
        .values(
            "year",
            "lot__marche__uuid",
            "lot__marche__ref",
            "lot__marche__buyer__name",
            "lot__ref",
            "lot__object",
        )
        .annotate(hours=Sum("hours"))
        .order_by("-year", "lot__marche__ref", "lot__ref")
    )
    readable = set(
        perms.visible_marches(user)
        .filter(uuid__in={row["lot__marche__uuid"] for row in rows})
        .values_list("uuid", flat=True)
    )
    years = {}
    for row in rows:
        row["readable"] = row["lot__marche__uuid"] in readable
        years[row["year"]] = years.get(row["year"], 0) + row["hours"]
    return {
        "rows": rows,
        "years": sorted(years.items(), reverse=True),
        "total": sum(years.values(), 0),
    }


# -- Home pages --------------------------------------------------------------------------


def month_to_report(today):
    """The month whose hours are due now: the last full month."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def hours_due_section(request):
    """The lots with a clause a facilitator follows whose last full month is one of their
    expected months (``gaps.all_expected_months``) and has no hours reported yet."""
    today = timezone.localdate()
    month = month_to_report(today)
    followed = reporting.gaps_of(perms.followed_lots(request.user), today, flagged_only=False)
    lots = [
        g.lot
        for g in reporting.sorted_gaps(followed.values())
        if month not in g.reported_months and month in all_expected_months(g.lot)
    ]
    return {"month": month, "lots": lots[:LOTS_SHOWN], "more": len(lots) > LOTS_SHOWN}


def week_section(request):
    """« À faire cette semaine »: the facilitator's followed lots with missing months or
    late (``gaps``), each with links to report the missing months' hours."""
    today = timezone.localdate()
    flagged = reporting.sorted_gaps(
        reporting.gaps_of(perms.followed_lots(request.user), today).values()
    )
    return {
        "rows": flagged[:LOTS_SHOWN],
        "more": len(flagged) > LOTS_SHOWN,
        "missing": sum(1 for g in flagged if g.missing),
        "late": sum(1 for g in flagged if g.late),
        "grace": reporting.grace_months(),
        "tolerance": reporting.late_tolerance(),
    }


def territory_section(request):
    """The facilitators the user works for, with the départements they cover."""
    facilitators = (
        Facilitator.objects.filter(memberships__user=request.user, memberships__is_active=True)
        .prefetch_related(Prefetch("departments", Department.objects.select_related("region")))
        .order_by("name")
    )
    return {"facilitators": facilitators}


def facilitator_lots_section(request):
    """The lots a facilitator follows with their realised hours, and the SIAE able to
    answer a reserved lot."""
    user = request.user
    lots = with_realised(
        perms.followed_lots(user)
        .select_related("marche__buyer")
        .order_by("-marche__notification_date", "marche__ref", "ref")
    )[:LOTS_SHOWN]
    kinds = sorted(RESERVED_TO[Clause.MARCHE_RESERVE])
    siae = structure_perms.visible_structures(user).filter(kind__in=kinds).count()
    url = f"{reverse('structures:list')}?{urlencode({'kind': kinds}, doseq=True)}"
    return {
        "lots": lots,
        "siae": counter(
            siae,
            "SIAE pouvant répondre aux marchés réservés",
            "SIAE pouvant répondre aux marchés réservés",
            url,
        ),
    }


def reviews_due_section(request):
    """« Revues trimestrielles à tenir »: the quarters ended in the last year of the
    partnership agreements a facilitator works on, whose review is not recorded; nothing
    when they have no agreement running then."""
    today = timezone.localdate()
    since = today - datetime.timedelta(days=365)
    agreements = list(
        perms.visible_agreements(request.user)
        .filter(end_date__gte=since, start_date__lte=today)
        .order_by("start_date", "title", "pk")
    )
    if not agreements:
        return None
    held = set(
        QuarterlyReview.objects.filter(agreement__in=agreements, held_on__isnull=False)
        .values_list("agreement_id", "year", "quarter")
        .order_by()
    )
    rows = [
        {"agreement": agreement, "year": year, "quarter": quarter}
        for agreement in agreements
        for year, quarter in partnership.agreement_quarters(
            agreement.start_date, agreement.end_date
        )
        if since <= partnership.quarter_end(year, quarter) < today
        and (agreement.pk, year, quarter) not in held
    ]
    return {"rows": rows[:LOTS_SHOWN], "more": len(rows) > LOTS_SHOWN}


def officer_section(request):
    """The clause officer (staff): contracts, those with a lot behind schedule, hours of the
    year; each count links to the contracts list filtered on it."""
    user = request.user
    today = timezone.localdate()
    marches = perms.visible_marches(user)
    gaps = reporting.gaps_of(perms.visible_lots(user).filter(marche__in=marches), today).values()
    behind = len({g.lot.marche_id for g in gaps if g.late})
    missing = len({g.lot.marche_id for g in gaps if g.missing})
    url = reverse("clauses:list")
    hours = perms.visible_hours(user).filter(period__year=today.year).aggregate(h=Sum("hours"))
    return {
        "counters": [
            counter(marches.count(), "marché", "marchés", url),
            counter(
                missing,
                "marché avec des mois manquants",
                "marchés avec des mois manquants",
                f"{url}?missing=true",
            ),
            counter(
                behind,
                "marché avec un lot en retard",
                "marchés avec un lot en retard",
                f"{url}?behind=true",
            ),
        ],
        "year": today.year,
        "hours": hours["h"] or 0,
        "can_bilan": perms.can_view_bilan(user),
        "can_import": perms.can_import(user),
    }


def register():
    structure_page.register(
        "clauses.hours", None, "clauses/_structure_hours.html", structure_section, order=30
    )
    home_page.register(
        "clauses.week",
        perms.is_facilitator,
        "clauses/_home_week.html",
        week_section,
        order=5,
    )
    home_page.register(
        "clauses.hours_due",
        perms.is_facilitator,
        "clauses/_home_hours_due.html",
        hours_due_section,
        order=10,
    )
    home_page.register(
        "clauses.reviews_due",
        perms.is_facilitator,
        "clauses/_home_reviews_due.html",
        reviews_due_section,
        order=15,
    )
    home_page.register(
        "clauses.lots",
        perms.is_facilitator,
        "clauses/_facilitator_lots.html",
        facilitator_lots_section,
        order=20,
    )
    home_page.register(
        "clauses.territory",
        perms.is_facilitator,
        "clauses/_home_territory.html",
        territory_section,
        order=40,
    )
    home_page.register(
        "clauses.officer",
        perms.is_clause_officer,
        "clauses/_home_officer.html",
        officer_section,
        order=40,
    )
