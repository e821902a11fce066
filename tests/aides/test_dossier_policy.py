"""A dossier's visibility is one rule (``aides.perms.dossier_reach``): the predicate, the
queryset filter and the deletions feed's audience agree for every kind of person, on a
dossier of their region and on one of another region."""

import pytest
from django.contrib.auth.models import AnonymousUser

from aides import perms
from aides.models import Dossier
from iae_portal.api.deletions import visible_deletions
from iae_portal.users.enums import Role
from structures.models import Department, Region
from tests.aides.dossier_paths import dossier_at
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_predicate_queryset_and_deletions_audience_agree(
    campaign, director_a, structure_a, instructeur, lecteur, chef_service, admin_user
):
    paris = StructureFactory(postal_code="75011", department=Department.objects.get(code="75"))
    director_z = MembershipFactory(structure=paris).user
    dossiers = [
        dossier_at("brouillon", structure=structure_a, director=director_a, campaign=campaign),
        dossier_at("brouillon", structure=paris, director=director_z, campaign=campaign),
    ]
    users = [
        AnonymousUser(),
        director_a,
        director_z,
        MembershipFactory(structure=structure_a, role="salarie").user,
        MembershipFactory(structure=structure_a, is_active=False).user,
        instructeur,
        lecteur,
        chef_service,
        admin_user,
        UserFactory(role=Role.INSTRUCTEUR, region=Region.objects.get(code="11")),
        UserFactory(role=Role.LECTEUR),
        UserFactory(role=Role.DLA),
        UserFactory(role=Role.FACILITATEUR),
        UserFactory(role=Role.SIAE, is_superuser=True),
        UserFactory(role=Role.CHEF_SERVICE, is_active=False),
    ]
    expected = {}
    for user in users:
        by_predicate = {d.uuid for d in dossiers if perms.can_view_dossier(user, d)}
        by_queryset = set(perms.visible_dossiers(user).values_list("uuid", flat=True))
        assert by_predicate == by_queryset, user
        expected[user] = {str(u) for u in by_queryset}
    assert len({frozenset(seen) for seen in expected.values()}) == 4  # none, A, Z, both
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).delete()
    for user, seen in expected.items():
        tombstones = visible_deletions(user, None).filter(type="dossier")
        assert set(tombstones.values_list("object_id", flat=True)) == seen, user
