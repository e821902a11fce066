"""The data ``clauses.matching`` ranks, read in a fixed number of queries whatever the
number of structures, and the lots offered to the SIAE (issue 19, parts 2 and 3).

A lot is **offered** (« Marchés à saisir ») while it carries a clause, has no attributaire
recorded, and staff have given it the NAF codes of its work (``Lot.offered_at``, set the
first time codes are given). It **matches** a structure when one of its codes shares at
least a NAF group with one of the structure's declared activities (``matching.fit`` ≥ 1)
and the structure is in its territory: one of its execution départements, a neighbouring
département or their region (``matching.distance`` ≥ 1); a lot whose territory is unknown
matches on codes alone."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from structures.models import StructureActivity, YearlyFigures
from structures.reference import neighbours_of

from . import matching
from .enums import Clause
from .models import HoursReport, Lot

LOAD_MONTHS = 3


def lot_place(lot, departments=None):
    """``matching.Place`` of ``lot`` (``Lot.execution_departments`` unless given)."""
    if departments is None:
        departments = lot.execution_departments()
    codes = frozenset(d.code for d in departments)
    near = (
        frozenset().union(*(neighbours_of(code) for code in codes)) - codes
        if codes
        else frozenset()
    )
    return matching.Place(
        departments=codes,
        regions=frozenset(d.region_id for d in departments),
        neighbours=near,
    )


def _load_start(today):
    """The first day of the month ``LOAD_MONTHS - 1`` months before ``today``'s."""
    month = today.year * 12 + today.month - 1 - (LOAD_MONTHS - 1)
    return datetime.date(month // 12, month % 12 + 1, 1)


def candidates(lot_codes, structures, *, today=None):
    """``matching.Candidate`` of each of ``structures`` (a queryset), in six queries."""
    today = today or timezone.localdate()
    rows = list(
        structures.order_by().values_list(
            "pk", "siret", "name", "department_id", "department__region_id"
        )
    )
    ids = [row[0] for row in rows]
    codes = defaultdict(list)
    for structure_id, code in (
        StructureActivity.objects.filter(structure_id__in=ids)
        .order_by("structure_id", "naf_code")
        .values_list("structure_id", "naf_code")
    ):
        codes[structure_id].append(code)
    figures = {}
    for structure_id, year, posts in (
        YearlyFigures.objects.filter(structure_id__in=ids)
        .order_by("structure_id", "-year")
        .values_list("structure_id", "year", "insertion_etp")
    ):
        figures.setdefault(structure_id, (year, posts))
    delivered = list(
        HoursReport.objects.filter(siae_id__in=ids)
        .values("siae_id", "lot_id")
        .annotate(hours=Sum("hours"))
        .order_by()
        .values_list("siae_id", "lot_id", "hours")
    )
    lot_codes_of = dict(
        Lot.objects.filter(pk__in={lot_id for _, lot_id, _ in delivered}).values_list(
            "pk", "activity_codes"
        )
    )
    experience = defaultdict(Decimal)
    for siae_id, lot_id, hours in delivered:
        if matching.similar(lot_codes, lot_codes_of.get(lot_id) or ()):
            experience[siae_id] += hours
    load = dict(
        HoursReport.objects.filter(siae_id__in=ids, period__gte=_load_start(today))
        .values("siae_id")
        .annotate(n=Count("lot_id", distinct=True))
        .order_by()
        .values_list("siae_id", "n")
    )
    return [
        matching.Candidate(
            key=pk,
            siret=siret,
            name=name,
            department=department,
            region=region,
            codes=tuple(codes[pk]),
            insertion_posts=figures[pk][1] if pk in figures else None,
            figures_year=figures[pk][0] if pk in figures else None,
            experience_hours=experience[pk],
            current_lots=load.get(pk, 0),
        )
        for pk, siret, name, department, region in rows
    ]


def rank_for(lot, structures, *, departments=None, today=None):
    """``matching.rank`` of ``structures`` for ``lot``."""
    codes = tuple(lot.activity_codes or ())
    return matching.rank(
        codes, lot_place(lot, departments), candidates(codes, structures, today=today)
    )


def offered_lots():
    """The lots offered to the SIAE (see the module's docstring), newest first."""
    return (
        Lot.objects.exclude(clause=Clause.NONE)
        .filter(offered_at__isnull=False, attributaire_siret="", attributaire_name="")
        .exclude(activity_codes=[])
        .select_related("marche__buyer", "marche__department__region", "facilitator")
        .order_by("-offered_at", "pk")
    )


def matches(lot_codes, place, department, region, codes):
    """Whether a structure (its département, region, declared codes) matches a lot."""
    if not matching.similar(lot_codes, codes):
        return False
    return not place.known or matching.distance(place, department, region) > matching.ELSEWHERE


def lots_matching(structures, lots=None):
    """``[(lot, [structures it matches])]`` among ``lots`` (``offered_lots()`` by default)
    for ``structures`` (a list with ``department`` loaded): three queries and one per
    offered lot without a contract's département (its facilitator's territory)."""
    lots = list(offered_lots() if lots is None else lots)
    codes = defaultdict(list)
    for structure_id, code in StructureActivity.objects.filter(
        structure_id__in=[s.pk for s in structures]
    ).values_list("structure_id", "naf_code"):
        codes[structure_id].append(code)
    found = []
    for lot in lots:
        place = lot_place(lot)
        matched = [
            s
            for s in structures
            if matches(
                lot.activity_codes, place, s.department_id, s.department.region_id, codes[s.pk]
            )
        ]
        if matched:
            found.append((lot, matched))
    return found
