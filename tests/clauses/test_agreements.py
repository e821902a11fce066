"""Facilitators' partnership agreements and their quarterly reviews (issue 19, part 5): the
figures (``clauses.partnership``, loaded by ``clauses.agreement_hours``), the pages, the
minutes, and who may do what."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clauses import demo, demo_agreements, partnership, services_agreements
from clauses.agreement_hours import figures_of, monthly_hours
from clauses.models import PartnershipAgreement, QuarterlyReview, ReviewMinutes
from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from tests.aides.factories import PDF, pdf_upload
from tests.clauses.factories import (
    BuyerFactory,
    FacilitatorMembershipFactory,
    HoursReportFactory,
    LotFactory,
    MarcheFactory,
)
from tests.structures.factories import UserFactory

D = datetime.date


# -- The rules, pure ------------------------------------------------------------------------


def test_months_and_quarters_of_an_agreement_starting_mid_quarter():
    start, end = D(2025, 2, 15), D(2026, 1, 10)
    months = partnership.agreement_months(start, end)
    assert months[0] == D(2025, 2, 1) and months[-1] == D(2026, 1, 1) and len(months) == 12
    assert partnership.agreement_quarters(start, end) == [
        (2025, 1),
        (2025, 2),
        (2025, 3),
        (2025, 4),
        (2026, 1),
    ]


def test_the_objective_is_prorated_by_months_and_rounded_half_up():
    # 100 h over 8 months (February to September): 25 h at the end of March (2 months),
    # 62.5 → 63 h at the end of June (5 months), 100 h at the end of September.
    figures = partnership.quarters_figures(
        start=D(2025, 2, 1), end=D(2025, 9, 30), objective=100, monthly={}
    )
    assert [(f.key, f.objective_to_date, f.objective_quarter) for f in figures] == [
        ((2025, 1), 25, 25),
        ((2025, 2), 63, 38),
        ((2025, 3), 100, 37),
    ]
    assert partnership.round_half_up(Decimal("62.4999")) == 62


def test_hours_outside_the_agreement_months_are_ignored_and_cumulated_inside():
    monthly = {
        D(2025, 1, 1): Decimal(40),  # before the start month: ignored
        D(2025, 2, 1): Decimal("10.5"),  # the start month, partly covered: counts whole
        D(2025, 4, 1): Decimal(20),
        D(2025, 10, 1): Decimal(99),  # after the end month: ignored
    }
    first, second, third = partnership.quarters_figures(
        start=D(2025, 2, 20), end=D(2025, 9, 5), objective=80, monthly=monthly
    )
    assert first.months == (D(2025, 2, 1), D(2025, 3, 1))
    assert (first.realised_quarter, first.realised_to_date) == (Decimal("10.5"), Decimal("10.5"))
    assert (second.realised_quarter, second.realised_to_date) == (Decimal(20), Decimal("30.5"))
    assert third.realised_to_date == Decimal("30.5")
    assert first.gap == Decimal("10.5") - 20  # 80 × 2/8
    assert third.objective_to_date == 80


# -- The hours counted, over the database -----------------------------------------------------


@pytest.fixture
def setting(db):
    """An agreement of a facilitator with a buyer over 2025, and lots around it."""
    member = FacilitatorMembershipFactory(user__email="fac.conv@m.test")
    facilitator = member.facilitator
    buyer, other_buyer = BuyerFactory(name="Ville A"), BuyerFactory(name="Ville B")
    lot = LotFactory(marche=MarcheFactory(buyer=buyer), facilitator=facilitator)
    agreement = services_agreements.agreement_create(
        actor=member.user,
        facilitator=facilitator,
        buyers=[buyer],
        title="Convention 2025",
        partners="Mission locale",
        start_date=D(2025, 3, 10),
        end_date=D(2025, 12, 31),
        hours_objective=1000,
        objectives="",
    )
    return {
        "user": member.user,
        "facilitator": facilitator,
        "buyer": buyer,
        "other_buyer": other_buyer,
        "lot": lot,
        "agreement": agreement,
    }


def test_only_the_facilitators_lots_of_the_buyers_inside_the_dates_count(setting):
    lot = setting["lot"]
    HoursReportFactory(lot=lot, period=D(2025, 3, 1), hours=Decimal("12.5"))  # start month
    HoursReportFactory(lot=lot, period=D(2025, 5, 1), hours=20)
    HoursReportFactory(lot=lot, period=D(2025, 2, 1), hours=500)  # before
    HoursReportFactory(lot=lot, period=D(2026, 1, 1), hours=500)  # after
    # Another buyer's contract followed by the facilitator, the buyer's lot of another one.
    HoursReportFactory(
        lot=LotFactory(
            marche=MarcheFactory(buyer=setting["other_buyer"]), facilitator=setting["facilitator"]
        ),
        period=D(2025, 5, 1),
        hours=300,
    )
    HoursReportFactory(
        lot=LotFactory(marche=MarcheFactory(buyer=setting["buyer"])),
        period=D(2025, 5, 1),
        hours=300,
    )
    agreement = setting["agreement"]
    assert monthly_hours([agreement])[agreement.pk] == {
        D(2025, 3, 1): Decimal("12.5"),
        D(2025, 5, 1): Decimal(20),
    }
    figures = {f.key: f for f in figures_of(agreement)}
    assert figures[(2025, 1)].realised_quarter == Decimal("12.5")
    assert figures[(2025, 2)].realised_to_date == Decimal("32.5")
    # 10 months (March to December): 100 h at the end of March.
    assert figures[(2025, 1)].objective_to_date == 100


def test_hours_of_many_agreements_load_in_one_query(setting, django_assert_num_queries):
    others = [
        services_agreements.agreement_create(
            actor=setting["user"],
            facilitator=setting["facilitator"],
            buyers=[setting["buyer"], setting["other_buyer"]],
            title=f"Convention {n}",
            partners="",
            start_date=D(2024, 1, 1),
            end_date=D(2026, 12, 31),
            hours_objective=10,
            objectives="",
        )
        for n in range(3)
    ]
    HoursReportFactory(lot=setting["lot"], period=D(2025, 6, 1), hours=7)
    with django_assert_num_queries(1):
        found = monthly_hours([setting["agreement"], *others])
    assert all(found[a.pk] == {D(2025, 6, 1): Decimal(7)} for a in others)


# -- The pages ------------------------------------------------------------------------------


def test_a_facilitator_creates_an_agreement_and_writes_a_review_with_minutes(
    client, settings, tmp_path, setting
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(setting["user"])
    HoursReportFactory(lot=setting["lot"], period=D(2025, 4, 1), hours=42)
    response = client.post(
        reverse("clauses:agreement_add"),
        {
            "facilitator": setting["facilitator"].pk,
            "title": "Convention du bassin",
            "buyers": [setting["buyer"].pk],
            "partners": "France Travail\nMission locale",
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "hours_objective": "1200",
            "objectives": "40 participants",
        },
    )
    agreement = PartnershipAgreement.objects.get(title="Convention du bassin")
    assert response.status_code == 302
    assert response["Location"] == reverse("clauses:agreement", args=[agreement.uuid])
    page = client.get(response["Location"]).content.decode()
    assert "T2 2025" in page and "1\xa0200" in page and "France Travail" in page
    url = reverse("clauses:agreement_review", args=[agreement.uuid, 2025, 2])
    page = client.get(url).content.decode()
    assert "42" in page and "600" in page  # realised; objective to date 1 200 × 6/12
    response = client.post(
        url,
        {
            "held_on": "2025-07-08",
            "attendees": "Ville A",
            "summary": "Relancer le lot L1.",
            "minutes": pdf_upload("compte rendu T2.pdf"),
        },
    )
    assert response.status_code == 302
    review = QuarterlyReview.objects.get(agreement=agreement, year=2025, quarter=2)
    assert review.held_on == D(2025, 7, 8) and review.created_by == setting["user"]
    minutes = review.minutes.get()
    assert minutes.original_name == "compte rendu T2.pdf"
    assert AuditEntry.objects.filter(
        action="clauses.review_save", object_id=str(agreement.uuid)
    ).exists()
    download = client.get(minutes.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "compte rendu T2.pdf" in client.get(url).content.decode()
    response = client.post(reverse("clauses:review_minutes_remove", args=[minutes.uuid]))
    assert response.status_code == 302 and not ReviewMinutes.objects.exists()


def test_minutes_that_are_no_pdf_jpeg_or_png_are_refused_in_french(
    client, settings, tmp_path, setting
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(setting["user"])
    agreement = setting["agreement"]
    url = reverse("clauses:agreement_review", args=[agreement.uuid, 2025, 2])
    fake = SimpleUploadedFile("cr.pdf", b"<html>pas un PDF</html>", content_type="application/pdf")
    response = client.post(url, {"held_on": "2025-07-08", "minutes": fake})
    assert response.status_code == 400
    assert "Seuls les fichiers PDF, JPEG et PNG" in response.content.decode()
    assert not QuarterlyReview.objects.exists() and not ReviewMinutes.objects.exists()


def test_review_dates_and_agreement_dates_are_checked(client, setting):
    client.force_login(setting["user"])
    agreement = setting["agreement"]
    url = reverse("clauses:agreement_review", args=[agreement.uuid, 2025, 2])
    response = client.post(url, {"held_on": "2025-01-02"})
    assert response.status_code == 400
    assert "ne peut pas précéder le début du trimestre" in response.content.decode()
    services_agreements.review_save(
        actor=setting["user"], agreement=agreement, year=2025, quarter=4, held_on=D(2026, 1, 5)
    )
    edit = reverse("clauses:agreement_edit", args=[agreement.uuid])
    response = client.post(
        edit,
        {
            "facilitator": setting["facilitator"].pk,
            "title": "Convention 2025",
            "buyers": [setting["buyer"].pk],
            "start_date": "2025-03-10",
            "end_date": "2025-06-30",
            "hours_objective": "1000",
        },
    )
    assert response.status_code == 400
    assert "T4 2025" in response.content.decode()
    response = client.post(edit, {"start_date": "2025-03-10", "end_date": "2025-01-01"})
    assert "La fin ne peut pas précéder le début." in response.content.decode()


@pytest.mark.parametrize(
    "year, quarter", [(2024, 4), (2026, 1), (2025, 0), (2025, 5), (99999999999999999999, 1)]
)
def test_a_quarter_outside_the_agreement_is_not_found(client, setting, year, quarter):
    client.force_login(setting["user"])
    url = f"/clauses/conventions/{setting['agreement'].uuid}/revues/{year}/{quarter}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"held_on": "2025-07-01"}).status_code == 404


def test_others_are_refused(client, setting, lecteur, director_a):
    agreement = setting["agreement"]
    detail = reverse("clauses:agreement", args=[agreement.uuid])
    review = reverse("clauses:agreement_review", args=[agreement.uuid, 2025, 2])
    other = FacilitatorMembershipFactory().user
    client.force_login(other)
    assert client.get(detail).status_code == 404
    assert "Convention 2025" not in client.get(reverse("clauses:agreements")).content.decode()
    client.force_login(director_a)
    assert client.get(reverse("clauses:agreements")).status_code == 403
    assert client.get(detail).status_code == 404
    client.force_login(lecteur)  # reads, never writes
    assert client.get(detail).status_code == 200
    assert client.post(review, {"held_on": "2025-07-01"}).status_code == 403
    assert client.get(reverse("clauses:agreement_add")).status_code == 403
    assert not QuarterlyReview.objects.exists()
    # A facilitator gives an agreement only to a facilitator they work for.
    client.force_login(other)
    response = client.post(
        reverse("clauses:agreement_add"),
        {
            "facilitator": setting["facilitator"].pk,
            "title": "Intrus",
            "buyers": [setting["buyer"].pk],
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "hours_objective": "10",
        },
    )
    assert response.status_code == 400
    assert not PartnershipAgreement.objects.filter(title="Intrus").exists()


def test_the_list_counts_its_queries_at_two_sizes(
    client, setting, instructeur, django_assert_max_num_queries
):
    client.force_login(instructeur)

    def add(count):
        for n in range(count):
            services_agreements.agreement_create(
                actor=instructeur,
                facilitator=setting["facilitator"],
                buyers=[setting["buyer"], setting["other_buyer"]],
                title=f"Convention supplémentaire {n}",
                partners="",
                start_date=D(2025, 1, 1),
                end_date=D(2026, 12, 31),
                hours_objective=100,
                objectives="",
            )

    add(2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("clauses:agreements")).status_code == 200
    add(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("clauses:agreements")).content.decode()
    assert "Convention supplémentaire 14" in page


def test_the_facilitators_home_lists_the_quarters_ended_without_a_review(client, setting):
    agreement = setting["agreement"]
    PartnershipAgreement.objects.filter(pk=agreement.pk).update(
        start_date=D(2025, 1, 1), end_date=D(2099, 12, 31)
    )
    agreement.refresh_from_db()
    client.force_login(setting["user"])
    today = datetime.date.today()
    year, quarter = partnership.quarter_of(today)
    last = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    url = reverse("clauses:agreement_review", args=[agreement.uuid, *last])
    page = client.get(reverse("home")).content.decode()
    assert "Revues trimestrielles à tenir" in page and url in page
    services_agreements.review_save(
        actor=setting["user"],
        agreement=agreement,
        year=last[0],
        quarter=last[1],
        held_on=today,
    )
    assert url not in client.get(reverse("home")).content.decode()
    # Nobody else's home shows it.
    client.force_login(FacilitatorMembershipFactory().user)
    assert "Revues trimestrielles à tenir" not in client.get(reverse("home")).content.decode()


def test_the_demo_gives_each_facilitator_an_agreement_with_reviews_and_one_to_hold(
    db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(email=demo_agreements.DEMO_FACILITATOR_EMAIL, role=Role.FACILITATEUR)
    today = D(2026, 11, 25)
    made = demo.seed(random.Random(3), structures=[], today=today)
    agreements = demo_agreements.seed(random.Random(4), made, today=today)
    followed = {lot.facilitator_id for lot in made.lots if lot.has_clause}
    assert {a.facilitator_id for a in agreements} == followed
    for agreement in agreements:
        ended = [
            key
            for key in partnership.agreement_quarters(agreement.start_date, agreement.end_date)
            if partnership.quarter_end(*key) < today
        ]
        reviewed = {(r.year, r.quarter) for r in agreement.reviews.all()}
        assert reviewed == set(ended[:-1]) and ended[-1] not in reviewed
        assert ReviewMinutes.objects.filter(review__agreement=agreement).count() == len(reviewed)
        assert any(f.realised_to_date for f in figures_of(agreement))
    demo.reset()
    assert not PartnershipAgreement.objects.exists() and not list(tmp_path.rglob("*.pdf"))
