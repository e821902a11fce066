import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dla import services
from dla.followups import DUE_NOTICE, add_months, due_milestones, follow_ups_due, latest_end
from dla.models import Accompaniment, FollowUp
from tests.structures.factories import StructureFactory

from .factories import FOLLOW_UP, AccompanimentFactory, PrestationFactory, chargé, dla_of

D = datetime.date
TODAY = D(2025, 6, 15)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)
    assert add_months(D(2024, 1, 15), 24) == D(2026, 1, 15)
    assert add_months(D(2024, 3, 31), -1) == D(2024, 2, 29)


def test_latest_end_is_the_inverse_of_add_months():
    for limit in (D(2025, 2, 28), D(2024, 2, 29), D(2025, 3, 31), D(2025, 7, 1)):
        for months in (6, 12, 24):
            end = latest_end(limit, months)
            assert (
                add_months(end, months) <= limit < add_months(end + datetime.timedelta(1), months)
            )


def test_due_milestones_skip_the_ones_a_later_contact_made_moot():
    end = D(2024, 9, 30)
    assert due_milestones(end, None, TODAY) == [(6, D(2025, 3, 30))]
    assert due_milestones(end, 6, TODAY) == []
    # Due from DUE_NOTICE before the day.
    assert due_milestones(end, 6, D(2025, 8, 31)) == [(12, D(2025, 9, 30))]
    assert due_milestones(end, 6, D(2025, 8, 30)) == []
    assert due_milestones(end, None, D(2026, 9, 1)) == [
        (6, D(2025, 3, 30)),
        (12, D(2025, 9, 30)),
        (24, D(2026, 9, 30)),
    ]
    assert due_milestones(end, 12, D(2026, 9, 1)) == [(24, D(2026, 9, 30))]
    assert due_milestones(None, None, TODAY) == []


@pytest.mark.django_db
def test_the_database_filter_and_the_rows_agree_day_by_day():
    """Around the end of February, where month arithmetic is tricky."""
    today = D(2025, 2, 28) - DUE_NOTICE
    for offset in range(-5, 5):
        end = D(2024, 2, 28) + datetime.timedelta(offset)  # 12 months before, ± days
        acc = AccompanimentFactory(ref=f"A{offset + 5:02d}", state="ingenierie")
        PrestationFactory(accompaniment=acc, start_date=end, end_date=end)
        FollowUp.objects.create(accompaniment=acc, milestone=6, contact_date=end, implemented="x")
    found = {a.ref for a in Accompaniment.objects.follow_up_due(today)}
    expected = {
        a.ref for a in Accompaniment.objects.with_last_end() if due_milestones(a.last_end, 6, today)
    }
    assert found == expected
    assert 0 < len(found) < 10


@pytest.fixture
def user():
    return chargé("charge54@example.org", "54")


def with_prestation(ref, end, *, code="54", state="ingenierie", **extra):
    acc = AccompanimentFactory(ref=ref, dla=dla_of(code), state=state, **extra)
    structure = StructureFactory(name=f"Structure {ref}")
    PrestationFactory(
        accompaniment=acc,
        start_date=end - datetime.timedelta(60),
        end_date=end,
        beneficiaries=[structure],
    )
    return acc


@pytest.mark.django_db
def test_home_lists_the_follow_ups_due_of_the_chargé(client, user):
    today = timezone.localdate()
    due = with_prestation("DUE-6", add_months(today, -7))
    soon = with_prestation("SOON-12", add_months(today, -12) + datetime.timedelta(days=10))
    FollowUp.objects.create(accompaniment=soon, milestone=6, contact_date=today, implemented="x")
    with_prestation("RECENT", add_months(today, -2))
    with_prestation("OTHER-DLA", add_months(today, -7), code="57")
    with_prestation(
        "CLOSED", add_months(today, -7), state="clos", closed_on=today, closing_summary="x"
    )
    client.force_login(user)
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert "Suivis à faire" in content
    assert "DUE-6" in content and "SOON-12" in content
    for absent in ("RECENT", "OTHER-DLA", "CLOSED"):
        assert absent not in content
    assert "Structure DUE-6" in content
    assert "(en retard)" in content  # DUE-6 was due a month ago
    # Oldest engineering first.
    rows = follow_ups_due(Accompaniment.objects.all(), today)
    assert [(r.accompaniment.ref, r.milestone, r.overdue) for r in rows] == [
        ("SOON-12", 12, False),
        ("DUE-6", 6, True),
        ("OTHER-DLA", 6, True),
    ]
    # Recording the contact takes it off the list.
    services.accompaniment_follow_up(
        actor=user, accompaniment=due, milestone=6, contact_date=today, **FOLLOW_UP
    )
    assert "DUE-6" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_list_filter_follow_up_due(client, user):
    today = timezone.localdate()
    with_prestation("DUE-6", add_months(today, -7))
    with_prestation("RECENT", add_months(today, -2))
    client.force_login(user)
    response = client.get(reverse("dla:list"), {"follow_up_due": "on"})
    assert [a.ref for a in response.context["page"].object_list] == ["DUE-6"]
    response = client.get(reverse("dla:list"))
    assert {a.ref for a in response.context["page"].object_list} == {"DUE-6", "RECENT"}


# -- When a contact may be recorded: from DUE_NOTICE before it is due ----------------------


def early_refused(user, accompaniment, milestone, day):
    with pytest.raises(services.StepRefused) as refused:
        services.accompaniment_follow_up(
            actor=user,
            accompaniment=accompaniment,
            milestone=milestone,
            contact_date=day,
            **FOLLOW_UP,
        )
    return refused.value


@pytest.mark.django_db
def test_a_contact_is_refused_until_30_days_before_it_is_due(user, structure_a):
    """The prestation ended on 31/05/2024: the contact at 6 months is due on 30/11/2024,
    the one at 12 months on 31/05/2025; each may be recorded from 30 days before."""
    from .factories import accompaniment_at

    accompaniment = accompaniment_at("ingenierie", user, [structure_a])
    refused = early_refused(user, accompaniment, 6, D(2024, 6, 1))  # the day after the end
    assert refused.field == "contact_date"
    assert "31/10/2024" in refused.message and "30/11/2024" in refused.message
    assert early_refused(user, accompaniment, 6, D(2024, 10, 30)).field == "contact_date"
    assert not accompaniment.follow_ups.exists()
    services.accompaniment_follow_up(
        actor=user, accompaniment=accompaniment, milestone=6, contact_date=D(2024, 10, 31),
        **FOLLOW_UP,
    )  # fmt: skip
    assert early_refused(user, accompaniment, 12, D(2025, 4, 30)).field == "contact_date"
    services.accompaniment_follow_up(
        actor=user, accompaniment=accompaniment, milestone=12, contact_date=D(2025, 5, 1),
        **FOLLOW_UP,
    )  # fmt: skip
    assert sorted(accompaniment.follow_ups.values_list("milestone", flat=True)) == [6, 12]


@pytest.mark.django_db
def test_the_due_date_counts_from_the_end_of_the_last_prestation(user, structure_a):
    from .factories import accompaniment_at, prestation_values

    accompaniment = accompaniment_at("ingenierie", user, [structure_a])  # ended 31/05/2024
    services.accompaniment_add_prestation(
        actor=user,
        accompaniment=accompaniment,
        beneficiaries=[structure_a],
        **prestation_values(start_date=D(2024, 6, 1), end_date=D(2024, 9, 30)),
    )
    # 6 months after 30/09/2024: due on 30/03/2025, open from 28/02/2025.
    assert early_refused(user, accompaniment, 6, D(2025, 2, 27)).field == "contact_date"
    services.accompaniment_follow_up(
        actor=user, accompaniment=accompaniment, milestone=6, contact_date=D(2025, 2, 28),
        **FOLLOW_UP,
    )  # fmt: skip


@pytest.mark.django_db
def test_an_early_contact_comes_back_on_the_form_with_a_french_error(client, user, structure_a):
    from .factories import accompaniment_at

    accompaniment = accompaniment_at("ingenierie", user, [structure_a])
    client.force_login(user)
    url = reverse("dla:step_follow_up", args=[accompaniment.uuid])
    response = client.post(
        url,
        {
            "follow_up-milestone": "6",
            "follow_up-contact_date": "2024-06-01",
            "follow_up-implemented": "Rien encore.",
        },
    )
    assert response.status_code == 400
    form = response.context["forms"]["follow_up"]
    assert "31/10/2024" in form.errors["contact_date"][0]
    assert not accompaniment.follow_ups.exists()


@pytest.mark.django_db
def test_the_page_shows_when_each_contact_becomes_possible(client, user, structure_a):
    from .factories import accompaniment_at

    accompaniment = accompaniment_at("ingenierie", user, [structure_a])  # ended 31/05/2024
    client.force_login(user)
    response = client.get(accompaniment.get_absolute_url())
    schedule = [
        (row["milestone"], row["due_on"], row["opens_on"]) for row in response.context["schedule"]
    ]
    assert schedule == [
        (6, D(2024, 11, 30), D(2024, 10, 31)),
        (12, D(2025, 5, 31), D(2025, 5, 1)),
        (24, D(2026, 5, 31), D(2026, 5, 1)),
    ]
    content = response.content.decode()
    assert "possible à partir du 31/10/2024" in content
    assert "possible à partir du 01/05/2026" in content


@pytest.mark.django_db
def test_the_home_list_holds_exactly_the_contacts_the_service_accepts_today(
    client, user, structure_a
):
    """Around the first day a contact at 6 months may be recorded, day by day."""
    today = timezone.localdate()
    accompaniments = {}
    for offset in (-2, -1, 0, 1, 2):
        # The contact opens on add_months(end, 6) - DUE_NOTICE: put that day at today + offset.
        end = latest_end(today + DUE_NOTICE + datetime.timedelta(offset), 6)
        accompaniments[offset] = with_prestation(f"EDGE{offset + 2}", end)
    client.force_login(user)
    listed = {r.accompaniment.ref for r in follow_ups_due(Accompaniment.objects.all(), today)}
    accepted = set()
    for accompaniment in accompaniments.values():
        try:
            services.accompaniment_follow_up(
                actor=user,
                accompaniment=accompaniment,
                milestone=6,
                contact_date=today,
                **FOLLOW_UP,
            )
        except services.StepRefused:
            continue
        accepted.add(accompaniment.ref)
    assert listed == accepted
    # EDGE3 only when month-end clamping puts its due date a day early.
    assert {"EDGE0", "EDGE1", "EDGE2"} <= listed and "EDGE4" not in listed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "months_ago, recorded, offered",
    [(2, None, 6), (7, None, 6), (13, None, 12), (13, 12, 24), (30, 24, 24)],
)
def test_the_form_offers_the_contact_the_home_lists(client, user, months_ago, recorded, offered):
    today = timezone.localdate()
    accompaniment = with_prestation("ACC", add_months(today, -months_ago))
    if recorded:
        FollowUp.objects.create(
            accompaniment=accompaniment, milestone=recorded, contact_date=today, implemented="x"
        )
    client.force_login(user)
    response = client.get(accompaniment.get_absolute_url())
    assert response.context["forms"]["follow_up"].initial == {"milestone": offered}
