"""Every role on every clauses URL, and who sees the participants' references."""

import datetime

import pytest
from django.urls import reverse

from iae_portal.users.enums import Role
from tests.structures.factories import UserFactory

from .factories import FacilitatorMembershipFactory, HoursReportFactory, LotFactory

pytestmark = pytest.mark.django_db

REF = "PSEUDO-7731"
ROLES = [
    "anonymous",
    "director_a",
    "director_b",
    "instructeur",
    "chef_service",
    "lecteur",
    "dla",
    "facilitator",
    "other_facilitator",
    "admin",
]
PAGES = [
    "list",
    "bilan",
    "bilan_csv",
    "import",
    "detail",
    "report_hours",
    "lot_candidates",
    "lot_hours",
]
# role: expected status per page, in the order of PAGES
EXPECTED = {
    "anonymous": [302] * 8,
    "director_a": [403, 403, 403, 403, 404, 404, 404, 404],
    "director_b": [403, 403, 403, 403, 404, 404, 404, 404],
    "instructeur": [200, 200, 200, 200, 200, 404, 200, 200],
    "chef_service": [200, 200, 200, 200, 200, 404, 200, 200],
    "lecteur": [200, 200, 200, 403, 200, 404, 200, 403],
    "dla": [403, 403, 403, 403, 404, 404, 404, 404],
    "facilitator": [200, 200, 200, 403, 200, 200, 200, 403],
    "other_facilitator": [200, 200, 200, 403, 404, 404, 404, 404],
    "admin": [200, 200, 200, 200, 200, 404, 200, 200],
}


@pytest.fixture
def world(structure_a, director_a, director_b, instructeur, chef_service, lecteur, admin_user):
    """A reserved lot followed by ``facilitator``, with hours delivered by structure A."""
    membership = FacilitatorMembershipFactory()
    lot = LotFactory(
        facilitator=membership.facilitator,
        clause="marche_reserve",
        marche__ref="M-PERMS",
        marche__notification_date=datetime.date(2025, 3, 1),
    )
    HoursReportFactory(
        lot=lot, participant_ref=REF, modality="mise_a_disposition", siae=structure_a, hours=21
    )
    users = {
        "anonymous": None,
        "director_a": director_a,
        "director_b": director_b,
        "instructeur": instructeur,
        "chef_service": chef_service,
        "lecteur": lecteur,
        "dla": UserFactory(role=Role.DLA),
        "facilitator": membership.user,
        "other_facilitator": FacilitatorMembershipFactory().user,
        "admin": admin_user,
    }
    urls = {
        "list": reverse("clauses:list"),
        "bilan": reverse("clauses:bilan") + "?year=2025",
        "bilan_csv": reverse("clauses:bilan_csv") + "?year=2025",
        "import": reverse("clauses:import"),
        "detail": reverse("clauses:detail", args=[lot.marche.uuid]),
        "report_hours": reverse("clauses:report_hours", args=[lot.uuid]),
        "lot_candidates": reverse("clauses:lot_candidates", args=[lot.uuid]),
        "lot_hours": reverse("clauses:lot_hours", args=[lot.uuid]),
    }
    return users, urls, lot


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_page(client, world, role):
    users, urls, _ = world
    if users[role] is not None:
        client.force_login(users[role])
    got = []
    for page in PAGES:
        response = client.get(urls[page])
        got.append(response.status_code)
        if response.status_code == 302:
            assert "connexion" in response["Location"]
        if response.status_code == 200:
            # Participant references: the lot's facilitators only, on no other page.
            shown = REF in response.content.decode()
            assert shown == (role == "facilitator" and page == "detail"), (role, page)
    assert got == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_only_facilitators_of_the_lot_post_hours_and_only_writers_import(client, world, role):
    users, urls, lot = world
    if users[role] is not None:
        client.force_login(users[role])
    hours = client.post(urls["report_hours"], {"period": "2025-06"})
    upload = client.post(urls["import"], {"kind": "heures"})
    expected_hours = {"anonymous": 302, "facilitator": 200}.get(role, 404)  # 200: form errors
    expected_import = {
        "anonymous": 302,
        "instructeur": 200,
        "chef_service": 200,
        "admin": 200,
    }.get(role, 403)
    assert (hours.status_code, upload.status_code) == (expected_hours, expected_import)
    assert lot.hours_reports.count() == 1


@pytest.mark.parametrize(
    ("role", "status", "sees_hours"),
    [
        ("director_a", 200, True),
        ("director_b", 404, False),
        ("instructeur", 200, True),
        ("chef_service", 200, True),
        ("lecteur", 200, True),
        ("admin", 200, True),
        ("dla", 200, False),
        ("facilitator", 200, False),
        ("other_facilitator", 200, False),
    ],
)
def test_structure_page_hours_section(client, world, structure_a, role, status, sees_hours):
    users, _, _ = world
    client.force_login(users[role])
    response = client.get(reverse("structures:detail", args=[structure_a.siret]))
    assert response.status_code == status
    content = response.content.decode()
    assert ("M-PERMS" in content) is sees_hours
    assert REF not in content


def test_a_facilitator_sees_the_participants_of_their_lot_only(client):
    first, second = FacilitatorMembershipFactory(), FacilitatorMembershipFactory()
    mine = LotFactory(facilitator=first.facilitator, marche__ref="M-SHARED")
    theirs = LotFactory(facilitator=second.facilitator, marche=mine.marche)
    HoursReportFactory(lot=mine, participant_ref="MINE-1")
    HoursReportFactory(lot=theirs, participant_ref="THEIRS-1")
    client.force_login(first.user)
    content = client.get(reverse("clauses:detail", args=[mine.marche.uuid])).content.decode()
    assert "MINE-1" in content and "THEIRS-1" not in content
    assert f"lot-{theirs.uuid}" not in content


def test_the_admin_shows_hours_without_participants(client, world, admin_user):
    _, _, lot = world
    report = lot.hours_reports.get()
    client.force_login(admin_user)
    for url in (
        reverse("admin:clauses_hoursreport_changelist"),
        reverse("admin:clauses_hoursreport_change", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert REF not in response.content.decode()
