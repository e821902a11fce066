import random
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from iae_portal.users.demo import DEMO_EMAILS, DEMO_PASSWORD
from iae_portal.users.enums import Role
from iae_portal.users.models import User
from structures import demo
from structures.enums import SIAE_KINDS, MembershipRole, StructureKind
from structures.models import (
    CollectiveProject,
    Convention,
    Membership,
    NetworkAffiliation,
    ProjectMember,
    SharedPost,
    SharedPostSplit,
    Structure,
    YearlyFigures,
)
from structures.validators import validate_siret
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db

COUNTED = (
    Structure,
    Convention,
    NetworkAffiliation,
    YearlyFigures,
    CollectiveProject,
    ProjectMember,
    SharedPost,
    SharedPostSplit,
    Membership,
    User,
)


def seed(**options):
    out = StringIO()
    call_command("seed_demo", structures=60, stdout=out, **options)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def seeded():
    return seed()


def test_creates_the_requested_structures_in_the_grand_est(seeded):
    structures = Structure.objects.select_related("department")
    assert structures.count() == 60
    assert {s.department.region_id for s in structures} == {"44"}
    kinds = Counter(s.kind for s in structures)
    assert {StructureKind.ACI, StructureKind.AI, StructureKind.EI, StructureKind.ETTI} <= set(kinds)
    assert kinds[StructureKind.ACI] == max(kinds.values())
    assert all(s.name and s.city and len(s.postal_code) == 5 for s in structures)
    assert all(s.postal_code.startswith(s.department_id) for s in structures)


def test_sirets_are_valid_and_unique(seeded):
    sirets = list(Structure.objects.values_list("siret", flat=True))
    assert len(set(sirets)) == len(sirets) == 60
    for siret in sirets:
        validate_siret(siret)


def test_every_siae_has_three_years_of_consistent_figures(seeded):
    siae = Structure.objects.siae()
    assert YearlyFigures.objects.count() == 3 * siae.count()
    for structure in siae.prefetch_related("figures"):
        figures = list(structure.figures.all())
        assert sorted(f.year for f in figures) == [2023, 2024, 2025]
        for f in figures:
            assert 0 <= f.public_subsidies <= f.total_resources
            assert f.insertion_headcount > 0 and f.insertion_etp > 0
            assert all(0 <= getattr(f, name) <= 100 for name in YearlyFigures.SHARE_FIELDS)
    assert not YearlyFigures.objects.exclude(structure__kind__in=SIAE_KINDS).exists()


def test_conventions_are_mostly_active(seeded):
    today = timezone.localdate()
    conventions = list(Convention.objects.select_related("structure"))
    assert conventions
    assert all(c.kind in {"ACI", "AI", "EI", "ETTI", "EITI"} for c in conventions)
    active = [c for c in conventions if c.is_active_on(today)]
    assert len(active) / len(conventions) > 0.8


def test_about_two_thirds_of_siae_belong_to_a_network(seeded):
    siae = Structure.objects.siae().count()
    affiliated = Structure.objects.siae().filter(affiliations__isnull=False).distinct().count()
    assert 0.5 < affiliated / siae < 0.9
    assert not NetworkAffiliation.objects.filter(start_date__gte=timezone.localdate()).exists()


def test_collective_projects_have_members_and_shared_posts_split_to_100(seeded):
    assert CollectiveProject.objects.exists()
    for project in CollectiveProject.objects.prefetch_related("members", "shared_posts"):
        members = {m.structure_id for m in project.members.all()}
        assert 2 <= len(members) <= 6
        assert [m.role for m in project.members.all()].count("porteur") == 1
        for post in project.shared_posts.all():
            assert post.host_id in members
            assert post.splits.aggregate(total=Sum("share"))["total"] == Decimal(100)


def test_one_demo_user_per_role_with_the_demo_password(seeded):
    users = User.objects.filter(email__in=DEMO_EMAILS)
    assert set(users.values_list("role", flat=True)) == set(Role.values)
    for user in users:
        assert user.check_password(DEMO_PASSWORD)
    admin = users.get(email="admin@demo.iae.fr")
    assert admin.is_staff and admin.is_superuser and admin.role == Role.ADMIN
    for email in ("instructeur@demo.iae.fr", "chef@demo.iae.fr", "elu@demo.iae.fr"):
        assert users.get(email=email).region_id == "44"
    assert users.get(email="elu@demo.iae.fr").role == Role.LECTEUR


def test_director_runs_the_first_aci_and_the_first_ai(seeded):
    director = User.objects.get(email="directeur@demo.iae.fr")
    memberships = director.memberships.filter(is_active=True, role=MembershipRole.DIRECTEUR)
    assert memberships.count() == 2
    first_aci = Structure.objects.filter(kind=StructureKind.ACI).order_by("pk").first()
    first_ai = Structure.objects.filter(kind=StructureKind.AI).order_by("pk").first()
    assert {m.structure for m in memberships} == {first_aci, first_ai}
    employee = User.objects.get(email="salarie@demo.iae.fr")
    assert employee.memberships.get().structure == first_aci
    assert employee.memberships.get().role == MembershipRole.SALARIE


def test_prints_a_summary_and_the_logins(seeded):
    assert "Structures : 60" in seeded
    assert "Comptes de démonstration" in seeded
    for email in DEMO_EMAILS:
        assert email in seeded
    assert DEMO_PASSWORD in seeded


def test_a_second_run_creates_nothing(seeded):
    before = counts()
    out = seed()
    assert "Données de démonstration déjà présentes." in out
    assert "directeur@demo.iae.fr" in out
    assert counts() == before


def test_reset_rebuilds_the_same_region(seeded, settings):
    settings.DEBUG = True
    sirets = set(Structure.objects.values_list("siret", flat=True))
    before = counts()
    seed(reset=True)
    assert counts() == before
    assert set(Structure.objects.values_list("siret", flat=True)) == sirets


def test_reset_is_refused_outside_debug_without_force(seeded, settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match="--force"):
        seed(reset=True)
    assert counts() == before
    seed(reset=True, force=True)
    assert Structure.objects.count() == 60


def test_existing_structures_keep_their_siret():
    existing = StructureFactory()
    seed()
    assert Structure.objects.count() == 61
    assert Structure.objects.filter(siret=existing.siret).count() == 1


def test_generated_sirets_avoid_those_taken():
    first = demo.unique_sirets(random.Random(2026), 1, taken=set())[0]
    sirets = demo.unique_sirets(random.Random(2026), 50, taken={first})
    assert first not in sirets
    assert len(set(sirets)) == 50
    for siret in sirets:
        validate_siret(siret)


@pytest.mark.parametrize("count", [2, 7, 60, 300])
def test_kind_quotas_follow_the_national_mix(count):
    quotas = demo.kind_quotas(count)
    assert sum(quotas.values()) == count
    assert quotas[StructureKind.ACI] >= 1 and quotas[StructureKind.AI] >= 1
    if count >= 100:
        assert abs(quotas[StructureKind.ACI] / count - 0.45) < 0.01
