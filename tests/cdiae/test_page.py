"""The CDIAE report's page: who may open it, which territories it offers, the file prepared
in the background with its progress, and bad input answered in French with a 4xx."""

import io

import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse

from iae_portal.prepared import services as prepared_services
from iae_portal.prepared.models import PreparedFile
from iae_portal.users.enums import Role
from structures.models import Organisation, OrganisationMembership, Region
from tests.cdiae.conftest import YEAR
from tests.structures.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("cdiae:report")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def ask(client, scope="department:57", fmt="xlsx", year=YEAR, run=True):
    data = {"scope": scope, "year": year, "format": fmt}
    if not run:
        return client.post(PAGE, data)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(PAGE, data)


def partner_of(organisation, email="partenaire.page@example.org"):
    user = UserFactory(email=email, role=Role.PARTENAIRE)
    OrganisationMembership.objects.create(organisation=organisation, user=user)
    return user


def offered(response):
    return {value for value, _ in _flat(response.context["form"].fields["scope"].choices)}


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat(label)
        else:
            yield value, label


def test_anonymous_goes_to_the_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_staff_of_the_region_get_the_xlsx_with_its_progress(client, world, instructeur):
    client.force_login(instructeur)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert offered(page) == {"region:44"} | {
        f"department:{code}"
        for code in ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88")
    }
    text = page.content.decode()
    assert "Rapport pour le CDIAE" in text and "Les avis des partenaires" in text
    response = ask(client)
    prepared = PreparedFile.objects.get()
    assert response.status_code == 302 and response["Location"] == prepared.get_absolute_url()
    assert prepared.state == "ready", prepared.failure
    assert (prepared.done, prepared.total) == (9, 9)
    assert prepared.title == f"Rapport CDIAE {YEAR} — Moselle (57) (Excel)"
    assert prepared.filename == f"rapport-cdiae-57-{YEAR}.xlsx"
    download = client.get(reverse("prepared:download", args=[prepared.uuid]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert len(workbook.sheetnames) == 8


def test_the_progress_moves_table_by_table(client, world, instructeur):
    client.force_login(instructeur)
    ask(client, run=False)
    prepared = PreparedFile.objects.get()
    assert prepared.state == "pending" and prepared.percent == 0
    seen = []
    original = prepared_services.Job.progress

    def spy(job, done, total):
        seen.append((done, total))
        original(job, done, total)

    try:
        prepared_services.Job.progress = spy
        prepared_services.build(prepared.pk)
    finally:
        prepared_services.Job.progress = original
    assert [done for done, _ in seen] == list(range(10))[: len(seen)] or seen[0] == (0, 9)
    assert seen[-1] == (9, 9)
    progress = client.get(reverse("prepared:progress", args=[prepared.uuid])).json()
    assert progress["state"] == "ready" and progress["percent"] == 100


def test_staff_get_the_pdf_of_their_region(client, world, chef_service):
    client.force_login(chef_service)
    ask(client, scope="region:44", fmt="pdf")
    prepared = PreparedFile.objects.get()
    assert prepared.state == "ready", prepared.failure
    content = b"".join(
        client.get(reverse("prepared:download", args=[prepared.uuid])).streaming_content
    )
    assert content.startswith(b"%PDF")


def test_staff_of_another_region_are_refused_a_department_outside(client, world):
    other = UserFactory(role=Role.INSTRUCTEUR, region=Region.objects.get(code="11"))
    client.force_login(other)
    assert "department:57" not in offered(client.get(PAGE))
    assert ask(client).status_code == 403
    assert ask(client, scope="region:44").status_code == 403
    assert not PreparedFile.objects.exists()


def test_staff_without_region_and_admins_read_every_territory(client, world, admin_user):
    client.force_login(admin_user)
    assert {"department:75", "region:11", "department:57"} <= offered(client.get(PAGE))


@pytest.mark.parametrize("who", ["director", "dla", "facilitator"])
def test_others_are_refused(client, world, who):
    user = {
        "director": lambda: MembershipFactory(structure=world.structures["aci"]).user,
        "dla": lambda: UserFactory(role=Role.DLA),
        "facilitator": lambda: UserFactory(role=Role.FACILITATEUR),
    }[who]()
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert ask(client).status_code == 403
    assert "Rapport CDIAE" not in client.get(reverse("home")).content.decode()


def test_a_partner_reads_the_report_of_their_departement_only(client, world):
    client.force_login(partner_of(world.organisation))
    page = client.get(PAGE)
    assert page.status_code == 200 and offered(page) == {"department:57"}
    assert "Rapport CDIAE" in client.get(reverse("home")).content.decode()
    assert ask(client, scope="department:54").status_code == 403
    assert ask(client, scope="region:44").status_code == 403
    ask(client, fmt="pdf")
    assert PreparedFile.objects.get().state == "ready"


def test_a_partner_of_a_regional_organisation_reads_the_region(client, world):
    dreets = Organisation.objects.create(name="DREETS Grand Est", kind="etat", region_id="44")
    client.force_login(partner_of(dreets))
    assert offered(client.get(PAGE)) >= {"region:44", "department:57", "department:54"}
    assert "department:75" not in offered(client.get(PAGE))


def test_an_inactive_membership_opens_nothing(client, world):
    partner = partner_of(world.organisation)
    OrganisationMembership.objects.filter(user=partner).update(is_active=False)
    client.force_login(partner)
    assert client.get(PAGE).status_code == 403


def test_a_partner_who_left_gets_no_file(client, world):
    partner = partner_of(world.organisation)
    client.force_login(partner)
    ask(client, run=False)
    OrganisationMembership.objects.filter(user=partner).update(is_active=False)
    prepared = prepared_services.build(PreparedFile.objects.get().pk)
    assert prepared.state == "failed"
    assert prepared.failure == "Vous n'avez plus accès au rapport CDIAE de ce territoire."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "department:57", "year": "99999", "format": "pdf"}, "entre 2000 et 2100"),
        ({"scope": "department:57", "year": "2\x00026", "format": "pdf"}, "année en chiffres"),
        ({"scope": "department:zz", "year": "2026", "format": "pdf"}, "de la liste"),
        ({"scope": "department:5\x007", "year": "2026", "format": "pdf"}, "de la liste"),
        ({"scope": "department:57", "year": "2026", "format": "docx"}, "PDF ou Excel"),
        ({"scope": "department:57", "year": "9" * 30, "format": "xlsx"}, "entre 2000 et 2100"),
    ],
)
def test_bad_input_is_a_400_with_a_french_message(client, world, instructeur, data, message):
    client.force_login(instructeur)
    response = client.post(PAGE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PreparedFile.objects.exists()
