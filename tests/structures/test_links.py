"""A structure's pages link only to what their reader may open (issue 14, item 7)."""

import datetime

import pytest

from structures.models import CollectiveProject, ProjectMember
from tests.dla.test_links import assert_every_link_answers

pytestmark = pytest.mark.django_db


def test_a_director_sees_the_other_members_of_a_project_by_name_only(
    client, director_a, structure_a, structure_b
):
    project = CollectiveProject.objects.create(name="GE Lorraine", kind="GE", carrier=structure_b)
    for structure in (structure_a, structure_b):
        ProjectMember.objects.create(
            project=project, structure=structure, role="membre", joined_on=datetime.date(2024, 1, 1)
        )
    client.force_login(director_a)
    content = assert_every_link_answers(client, structure_a.get_absolute_url())
    assert project.get_absolute_url() in content
    content = assert_every_link_answers(client, project.get_absolute_url())
    assert "Entreprise B" in content and structure_b.get_absolute_url() not in content
    assert structure_a.get_absolute_url() in content
