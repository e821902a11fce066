"""Data and accounts of the load benchmark (``bench/load.py``), written with Django.

The region is the demo's (``structures.demo``, ``iae_portal.users.demo``, ``aides.demo``),
only bigger: 5,000 structures and 20,000 dossiers at every stage of the workflow, written in
bulk. It is reused when the database already holds that much, so a second run starts at
once. The accounts the simulated users log in with are set on every run: the directors of
applying structures (the demo's accounts, given a password), instructeurs of the region and,
when the REST API is there, read-only API clients with fresh tokens (a token is shown only
once: the previous run's clients are revoked).
"""

import random
import time

LOAD_PASSWORD = "banc-de-charge-iae-2026"
INSTRUCTOR_EMAIL = "instructeur.{:02d}@charge.iae.test"
API_CLIENT_NAME = "Banc de charge {:02d}"


def seed_region(*, structures, dossiers, seed=2026):
    """The demo region with ``structures`` structures and ``dossiers`` dossiers, unless the
    database already has them; returns what was done, for the report."""
    from django.db import transaction

    from aides import demo as aides_demo
    from aides.models import Dossier
    from iae_portal.users import demo as users_demo
    from structures import demo as structures_demo
    from structures.models import Structure

    have = Structure.objects.count(), Dossier.objects.count()
    if have[0] >= structures and have[1] >= dossiers:
        _vacuum()
        return {"seeded": False, "structures": have[0], "dossiers": have[1], "seed_s": 0.0}
    start = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        # Whatever a smaller or interrupted seeding left goes first (dependents first).
        aides_demo.reset()
        users_demo.reset()
        structures_demo.reset()
        created = structures_demo.seed(rng, count=structures)
        users_demo.seed()
        structures_demo.attach_accounts(created.structures)
        aides_demo.seed(rng, structures=created.structures, dossiers=dossiers)
    _vacuum()
    return {
        "seeded": True,
        "structures": Structure.objects.count(),
        "dossiers": Dossier.objects.count(),
        "seed_s": round(time.perf_counter() - start, 1),
    }


def _vacuum():
    """The planner's statistics and the tables' visibility maps, as autovacuum keeps them on
    a live database. Without the maps (a database just seeded, or a server running without
    autovacuum, as some machines here do), an index-only scan reads the table's rows too:
    the instruction queue's page query took 25 ms instead of 9."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # VACUUM runs outside a transaction (a test's)
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def accounts(*, directors, instructors, api_clients):
    """``{"password", "directors", "instructors", "api_tokens"}``: the logins of the
    simulated users. Directors are those of structures with the most dossiers (their list
    has more than one page to browse); ``api_tokens`` is empty without the REST API."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count, Q

    from aides.demo_data import APPLICANT_DOMAIN
    from iae_portal.users.enums import Role
    from iae_portal.users.models import User
    from structures.demo_data import REGION_CODE

    password = make_password(LOAD_PASSWORD)  # hashed once: hashing is slow on purpose
    chosen = list(
        User.objects.filter(role=Role.SIAE, email__endswith=f"@{APPLICANT_DOMAIN}")
        .annotate(
            dossier_count=Count(
                "memberships__structure__dossiers",
                filter=Q(memberships__is_active=True),
            )
        )
        .order_by("-dossier_count", "email")
        .values_list("email", flat=True)[:directors]
    )
    User.objects.filter(email__in=chosen).update(password=password, is_active=True)
    staff = [INSTRUCTOR_EMAIL.format(i) for i in range(1, instructors + 1)]
    User.objects.bulk_create(
        [
            User(
                email=email,
                first_name="Instructeur",
                last_name=f"de charge {i}",
                role=Role.INSTRUCTEUR,
                organisation="Région Grand Est, service de l'insertion",
                region_id=REGION_CODE,
            )
            for i, email in enumerate(staff, start=1)
        ],
        ignore_conflicts=True,
    )
    User.objects.filter(email__in=staff).update(password=password, is_active=True)
    return {
        "password": LOAD_PASSWORD,
        "directors": chosen,
        "instructors": staff,
        "api_tokens": _api_tokens(api_clients),
    }


def _api_tokens(count):
    """Fresh read-only tokens, one per simulated API client (each partner tool has its own
    client, and its own throttling budget); none when the REST API is not installed."""
    try:
        from iae_portal.api.models import ApiClient, ApiScope
        from iae_portal.api.services import api_client_create, api_client_revoke
    except ImportError:
        return []
    names = [API_CLIENT_NAME.format(i) for i in range(1, count + 1)]
    for client in ApiClient.objects.filter(name__in=names, revoked_at__isnull=True):
        api_client_revoke(actor=None, client=client, reason="Nouvelle exécution du banc de charge")
    return [api_client_create(actor=None, name=name, scope=ApiScope.READ)[1] for name in names]
