import pytest

from iae_portal.users.enums import Role
from structures.models import Region
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

pytest_plugins = ["tests.api.fixtures"]


@pytest.fixture
def grand_est():
    return Region.objects.get(code="44")


@pytest.fixture
def instructeur(grand_est):
    return UserFactory(email="instructeur@example.org", role=Role.INSTRUCTEUR, region=grand_est)


@pytest.fixture
def chef_service(grand_est):
    return UserFactory(email="chef@example.org", role=Role.CHEF_SERVICE, region=grand_est)


@pytest.fixture
def lecteur(grand_est):
    return UserFactory(email="elu@example.org", role=Role.LECTEUR, region=grand_est)


@pytest.fixture
def admin_user():
    return UserFactory(email="admin@example.org", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def structure_a():
    return StructureFactory(name="Chantier A")


@pytest.fixture
def structure_b():
    return StructureFactory(name="Entreprise B", kind="EI", legal_form="sas")


@pytest.fixture
def director_a(structure_a):
    return MembershipFactory(structure=structure_a, user__email="directeur.a@example.org").user


@pytest.fixture
def director_b(structure_b):
    return MembershipFactory(structure=structure_b, user__email="directeur.b@example.org").user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is not what these tests check; PBKDF2 would dominate their time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # Throttle counts (API clients, password reset requests) live in the cache, which
    # outlives a test's transaction.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_widget_renderings():
    # Choice widgets and filter forms rendered once (iae_portal.form_renderer.RenderedOnce,
    # iae_portal.filtering.FilterSet) are kept by the process, whose tests each start from
    # their own options.
    from iae_portal.filtering import FilterSet
    from iae_portal.form_renderer import RenderedOnce

    RenderedOnce._rendered.clear()
    FilterSet.forget_rendered_forms()
    yield
    RenderedOnce._rendered.clear()
    FilterSet.forget_rendered_forms()


@pytest.fixture(autouse=True)
def _no_login_throttling(settings):
    # Login throttling keys attempts on the client; tests/security/test_login_throttling.py
    # turns it back on and proves the lockout.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _eager_celery():
    # Tasks run in the test's process even when CI configures a Redis broker.
    from iae_portal.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = eager
