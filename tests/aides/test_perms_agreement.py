"""``perms.can_view_dossier`` and ``Dossier.objects.visible_to`` must agree for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from aides import perms
from aides.models import Dossier
from iae_portal.users.enums import Role
from structures.models import Region
from tests.structures.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_predicate_and_queryset_agree(
    draft, director_a, director_b, structure_a, instructeur, lecteur, chef_service, admin_user
):
    users = [
        AnonymousUser(),
        director_a,
        director_b,
        MembershipFactory(structure=structure_a, role="salarie").user,
        MembershipFactory(structure=structure_a, is_active=False).user,
        instructeur,
        lecteur,
        chef_service,
        admin_user,
        UserFactory(role=Role.INSTRUCTEUR, region=Region.objects.get(code="11")),
        UserFactory(role=Role.INSTRUCTEUR),
        UserFactory(role=Role.DLA),
        UserFactory(role=Role.FACILITATEUR),
        UserFactory(role=Role.INSTRUCTEUR, is_active=False),
    ]
    seen = set()
    for user in users:
        predicate = perms.can_view_dossier(user, draft)
        assert predicate == Dossier.objects.visible_to(user).filter(pk=draft.pk).exists(), user
        seen.add(predicate)
    assert seen == {True, False}
