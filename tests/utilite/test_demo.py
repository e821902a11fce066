"""The demo's social utility reports (issue 18, item 7): three years ending with the last
ended year for most demo SIAE, every status, grids on about half, coherent figures (every
rule of the contract holds), deterministic, removed by ``--reset``; the bilan of each year
has groups to show."""

import collections
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from structures.enums import SIAE_KINDS
from structures.models import Membership, Structure, YearlyFigures
from utilite import computations
from utilite.bilan import utilite_sociale_bilan
from utilite.enums import ReportStatus as S
from utilite.indicators import INDICATOR_CODES
from utilite.models import SocialReport

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEARS = [TODAY.year - 3, TODAY.year - 2, TODAY.year - 1]


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", structures=80, stdout=out, **options)
    return out.getvalue()


def snapshot():
    return sorted(
        SocialReport.objects.values_list(
            "structure__siret", "year", "status", *INDICATOR_CODES, "grid_participants"
        ),
        key=str,
    )


@pytest.fixture
def seeded():
    return seed()


def test_three_years_for_most_siae_with_every_status(seeded):
    reports = list(SocialReport.objects.select_related("structure"))
    assert sorted({r.year for r in reports}) == YEARS
    siae = Structure.objects.filter(kind__in=SIAE_KINDS).count()
    reporting = {r.structure_id for r in reports}
    assert 0.75 * siae <= len(reporting) < siae  # most, not all: some never report
    assert {r.structure.kind for r in reports} <= set(SIAE_KINDS)
    last = collections.Counter(r.status for r in reports if r.year == YEARS[-1])
    assert set(last) == set(S.values)
    older = collections.Counter(r.status for r in reports if r.year < YEARS[-1])
    assert older[S.VALIDE] > 0.85 * sum(older.values())
    for report in reports:
        if report.status == S.A_CORRIGER:
            assert report.staff_comment
        if report.status == S.VALIDE:
            assert report.validated_at and report.submitted_at < report.validated_at
        if report.status == S.BROUILLON:
            assert report.submitted_at is None and None in report.figures().values()
    with_grid = {r.structure_id for r in reports if r.grid_scores}
    assert 0.3 * len(reporting) <= len(with_grid) <= 0.7 * len(reporting)
    assert "Bilans d'utilité sociale : " in seeded


def test_every_submitted_report_meets_the_contract(seeded):
    for report in SocialReport.objects.exclude(status=S.BROUILLON).select_related("structure"):
        _, grid, problems = computations.validate_report(
            report.figures(),
            year=report.year,
            today=TODAY,
            grid=(
                report.grid_participants,
                report.priority_axes,
                report.grid_scores,
                report.grid_comments,
            ),
        )
        assert problems == [], (report.structure.siret, report.year, problems)
        assert (grid is None) == (not report.grid_scores)
        report.full_clean()
    for report in SocialReport.objects.filter(status=S.BROUILLON):
        _, _, problems = computations.clean_draft(
            report.figures(), None, report.priority_axes, report.grid_scores, {}
        )
        assert problems == []


def test_figures_come_from_the_structures_yearly_figures(seeded):
    figures = {(f.structure_id, f.year): f for f in YearlyFigures.objects.all()}
    checked = 0
    for report in SocialReport.objects.exclude(status=S.BROUILLON):
        yearly = figures.get((report.structure_id, report.year))
        if yearly is None:
            continue
        assert report.total_resources == int(yearly.total_resources)
        assert report.public_funding == int(yearly.public_subsidies)
        assert report.turnover == int(yearly.turnover)
        assert report.insertion_employees == max(1, yearly.insertion_headcount)
        checked += 1
    assert checked > 0


def test_grids_improve_over_the_years(seeded):
    means = collections.defaultdict(list)
    for report in SocialReport.objects.exclude(grid_scores={}):
        scores = report.grid_scores
        means[report.year].append(sum(scores.values()) / len(scores))
    averages = [sum(means[year]) / len(means[year]) for year in YEARS if means[year]]
    assert averages[0] < averages[-1]


def test_the_demo_director_has_a_report_sent_back_and_a_draft(seeded):
    structures = [
        m.structure
        for m in Membership.objects.filter(user__email="directeur@demo.iae.fr").select_related(
            "structure"
        )
    ]
    last = {
        r.structure.kind: r.status
        for r in SocialReport.objects.filter(structure__in=structures, year=YEARS[-1])
    }
    assert last == {"ACI": S.A_CORRIGER, "AI": S.BROUILLON}
    older = SocialReport.objects.filter(structure__in=structures, year__lt=YEARS[-1])
    assert older.count() == 4 and {r.status for r in older} == {S.VALIDE}
    assert all(r.grid_scores for r in older)


def test_every_year_has_groups_with_statistics_and_missing_reports(seeded):
    for year in YEARS:
        bilan = utilite_sociale_bilan(year)
        region = bilan["groups"][0]
        assert region["department"] is None and region["kind"] == "ALL"
        assert region["indicators"]["exit_rate_dynamic"]["median"] is not None
        assert region["axes"]["prospective"]["median"] is not None
        shown = [g for g in bilan["groups"] if g["indicators"]["women_share"]["median"]]
        assert len(shown) > 3
        assert bilan["missing"]


def test_deterministic_and_removed_by_reset(seeded, settings):
    before = snapshot()
    seed()  # already there: nothing more
    assert snapshot() == before
    settings.DEBUG = True
    seed(reset=True)
    assert snapshot() == before
    call_command("seed_demo", structures=2, reset=True, stdout=io.StringIO())
    assert SocialReport.objects.count() <= 6
    assert set(SocialReport.objects.values_list("structure__siret", flat=True)) <= set(
        Structure.objects.values_list("siret", flat=True)
    )
