"""Every id of the DLA pages is unique, so that each label points to its own field (issue 14,
item 12): the accompaniment page holds one form per step, with fields of the same name."""

import pytest
from django.urls import reverse

from tests.html_checks import assert_unique_ids
from tests.structures.factories import StructureFactory

from .factories import accompaniment_at, chargé

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return chargé("charge54@example.org", "54")


@pytest.mark.parametrize("state", ["demande", "diagnostic", "plan", "ingenierie", "suivi", "clos"])
def test_accompaniment_page_ids_are_unique_at_each_step(client, user, state):
    structures = [StructureFactory(), StructureFactory()]
    accompaniment = accompaniment_at(
        "suivi" if state == "clos" else state, user, structures, code="54"
    )
    if state == "clos":
        from dla import services

        services.accompaniment_close(
            actor=user,
            accompaniment=accompaniment,
            closed_on=accompaniment.follow_ups.get().contact_date,
            summary="Terminé.",
        )
    client.force_login(user)
    response = client.get(accompaniment.get_absolute_url())
    assert response.status_code == 200
    parser = assert_unique_ids(response.content.decode())
    if state in ("ingenierie", "suivi"):
        # The plan's and the prestation's « jours » each have a label of their own.
        days = [i for i in parser.ids if i.endswith("days")]
        assert len(days) == 2


def test_a_refused_step_comes_back_with_unique_ids(client, user):
    accompaniment = accompaniment_at("ingenierie", user, [StructureFactory()])
    client.force_login(user)
    response = client.post(reverse("dla:step_plan", args=[accompaniment.uuid]), {"plan-days": "-1"})
    assert response.status_code == 400
    assert_unique_ids(response.content.decode())
    assert response.context["forms"]["plan"].errors


def test_list_request_and_home_ids_are_unique(client, user):
    accompaniment_at("ingenierie", user, [StructureFactory()])
    client.force_login(user)
    for url in (reverse("dla:list"), reverse("dla:request"), reverse("home")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_unique_ids(response.content.decode())
