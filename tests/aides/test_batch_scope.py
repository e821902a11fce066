"""A batch's pages speak of every dossier of its campaign: a region-bound agent sees them
only when the campaign's dossiers all lie in the region, as for starting one (issue 16,
finding 10)."""

import pytest
from django.urls import reverse

from aides import perms, services
from aides.models import Batch
from aides.services.batch import batch_run, batch_start
from iae_portal.users.enums import Role
from structures.models import Department
from tests.aides.factories import CA_DATA, CampaignFactory
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


def dossier_in(campaign, code):
    structure = StructureFactory(department=Department.objects.get(code=code))
    director = MembershipFactory(structure=structure).user
    dossier = services.dossier_create(actor=director, structure=structure, campaign=campaign)
    return services.dossier_save_data(
        actor=director, dossier=dossier, expected_version=dossier.version, data=CA_DATA
    )


def finished_batch(campaign, actor):
    batch = batch_start(actor=actor, campaign=campaign, enqueue=False)
    return batch_run(batch.pk)


@pytest.fixture
def batches(admin_user):
    """One campaign within Grand Est (54, 57), one spanning Grand Est and Paris (54, 75)."""
    inside, spanning = CampaignFactory(name="Appel Grand Est"), CampaignFactory(name="Appel mixte")
    for campaign, codes in ((inside, ("54", "57")), (spanning, ("54", "54", "75"))):
        for code in codes:
            dossier_in(campaign, code)
    return {
        "inside": finished_batch(inside, admin_user),
        "spanning": finished_batch(spanning, admin_user),
    }


def pages(batch):
    return {
        "detail": reverse("aides:batch_detail", args=[batch.uuid]),
        "progress": reverse("aides:batch_progress", args=[batch.uuid]),
    }


def test_a_region_bound_agent_reads_no_count_of_a_campaign_spanning_regions(
    client, batches, instructeur, lecteur
):
    spanning = batches["spanning"]
    assert spanning.total == 3
    for person in (instructeur, lecteur):
        client.force_login(person)
        for url in pages(spanning).values():
            assert client.get(url).status_code == 404, url
        listing = client.get(reverse("aides:campaign_batches", args=[spanning.campaign.uuid]))
        assert listing.status_code == 200
        assert list(listing.context["batches"]) == []
        text = listing.content.decode()
        assert reverse("aides:batch_detail", args=[spanning.uuid]) not in text
        assert "3 / 3" not in text
        assert "hors de votre région" in text


def test_a_region_bound_agent_follows_the_batches_of_a_campaign_within_the_region(
    client, batches, instructeur
):
    inside = batches["inside"]
    client.force_login(instructeur)
    assert client.get(pages(inside)["progress"]).json()["total"] == 2
    assert client.get(pages(inside)["detail"]).status_code == 200
    listing = client.get(reverse("aides:campaign_batches", args=[inside.campaign.uuid]))
    assert list(listing.context["batches"]) == [inside]


def test_agents_without_a_region_and_administrators_see_every_batch(client, batches, admin_user):
    everywhere = UserFactory(role=Role.INSTRUCTEUR, region=None)
    for person in (admin_user, everywhere):
        client.force_login(person)
        for batch in batches.values():
            assert client.get(pages(batch)["progress"]).json()["total"] == batch.total
            assert client.get(pages(batch)["detail"]).status_code == 200


def test_the_predicate_and_the_queryset_agree(
    batches, instructeur, lecteur, admin_user, director_a
):
    everywhere = UserFactory(role=Role.CHEF_SERVICE, region=None)
    for person in (instructeur, lecteur, admin_user, director_a, everywhere):
        visible = set(perms.visible_batches(person))
        for batch in Batch.objects.all():
            assert perms.can_view_batch(person, batch) == (batch in visible), (person, batch)
    assert set(perms.visible_batches(instructeur)) == {batches["inside"]}
    assert set(perms.visible_batches(director_a)) == set()
