import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from structures.models import CollectiveProject, ProjectMember, SharedPost, SharedPostSplit
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(structure_a, structure_b):
    project = CollectiveProject.objects.create(
        name="GE Insertion Lorraine", kind="GE", carrier=structure_a
    )
    for structure, role in [(structure_a, "porteur"), (structure_b, "membre")]:
        ProjectMember.objects.create(
            project=project,
            structure=structure,
            role=role,
            joined_on=datetime.date(2024, 1, 1),
            contribution=Decimal("12000.00"),
        )
    post = SharedPost.objects.create(
        project=project, function="Chargée RH", etp=Decimal("1"), host=structure_a
    )
    SharedPostSplit.objects.create(post=post, structure=structure_a, share=Decimal(60))
    SharedPostSplit.objects.create(post=post, structure=structure_b, share=Decimal(40))
    return project


def test_project_page_shows_members_contributions_and_shared_posts(client, instructeur, project):
    client.force_login(instructeur)
    response = client.get(project.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Chargée RH" in content and "60 % du temps" in content and "40 % du temps" in content
    assert "12\xa0000,00&nbsp;€" in content  # French grouping and a non-breaking space


def test_member_director_sees_the_project_outsider_does_not(client, director_a, project):
    outsider = StructureFactory()
    from tests.structures.factories import MembershipFactory

    other_director = MembershipFactory(structure=outsider).user
    client.force_login(director_a)
    assert client.get(project.get_absolute_url()).status_code == 200
    assert project in client.get(reverse("structures:project_list")).context["page"].object_list
    client.force_login(other_director)
    assert client.get(project.get_absolute_url()).status_code == 404
    assert list(client.get(reverse("structures:project_list")).context["page"].object_list) == []


def test_project_list_query_count_is_bounded(
    client, instructeur, project, django_assert_max_num_queries
):
    client.force_login(instructeur)
    with django_assert_max_num_queries(8):
        client.get(reverse("structures:project_list"))
