"""Benchmark: a partner's sync through the REST API, against PostgreSQL.

Run: ``make bench`` (100,000 structures) or ``make bench-quick`` (10,000).
The structures are seeded in one département (Corse-du-Sud, which no other benchmark
uses), each with a convention and a network, and read by a client restricted to it, as a
partner would: a full sync following ``next`` through pages of 1,000, then, after 1 % of
the structures changed, an incremental sync (``updated_since`` = when the full sync
started) and the deletions feed. Requests go through Django's WSGI handler in-process
(no network), so the figure is the API's own cost.
Keys: ``full_sync_records_per_s`` (target ≥ 3,000), ``incremental_pages`` (target ≤ 2).
"""

import argparse
import datetime
import os
import random
import time

from _setup import django_setup, emit, machine

os.environ.setdefault("IAE_API_THROTTLE_RATE", "1000000/min")
DEPARTMENT = "2A"
PREFIX = "API bench"


def seed(count, seed=2026):
    """``count`` structures of the bench département (old ones removed), written in bulk."""
    from django.db import connection

    from structures.demo import unique_sirets
    from structures.models import Convention, NetworkAffiliation, Structure

    old = Structure.objects.filter(department_id=DEPARTMENT, name__startswith=PREFIX)
    # Raw deletes: a benchmark's leftovers are not deletions a partner must hear of.
    for model in (Convention, NetworkAffiliation):
        model.objects.filter(structure__in=old)._raw_delete(model.objects.db)
    old._raw_delete(Structure.objects.db)
    rng = random.Random(seed)
    taken = set(Structure.objects.values_list("siret", flat=True))
    structures = Structure.objects.bulk_create(
        [
            Structure(
                siret=siret,
                name=f"{PREFIX} {i}",
                kind=rng.choice(["ACI", "EI", "AI", "ETTI"]),
                legal_form="association",
                city="Ajaccio",
                postal_code="20000",
                department_id=DEPARTMENT,
            )
            for i, siret in enumerate(unique_sirets(rng, count, taken))
        ],
        batch_size=5000,
    )
    start = datetime.date(2024, 1, 1)
    Convention.objects.bulk_create(
        [
            Convention(structure=s, kind="ACI", number=f"ACI-02A-{i:06d}", start_date=start)
            for i, s in enumerate(structures)
        ],
        batch_size=5000,
    )
    NetworkAffiliation.objects.bulk_create(
        [NetworkAffiliation(structure=s, network="coorace", start_date=start) for s in structures],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        # As autovacuum would after such a bulk load: the planner needs the new numbers.
        with connection.cursor() as cursor:
            for model in (Structure, Convention, NetworkAffiliation):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return structures


def sync(client, url):
    """Follow ``next`` to the end: (records, pages)."""
    records, pages = 0, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        records += len(body["results"])
        pages += 1
        url = body["next"]
    return records, pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--structures", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from iae_portal.api.services import api_client_create
    from structures.models import Department, Structure

    structures = seed(args.structures)
    _, token = api_client_create(
        actor=None,
        name=f"Bench sync {timezone.now():%H:%M:%S.%f}",
        scope="read",
        department=Department.objects.get(code=DEPARTMENT),
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    list_url = f"/api/v1/structures/?page_size={args.page_size}"
    client.get("/api/v1/schemes/?page_size=1")  # a running server has loaded its code

    sync_started = timezone.now()
    start = time.perf_counter()
    records, pages = sync(client, list_url)
    full_s = time.perf_counter() - start
    assert records == args.structures, records

    changed = [s.pk for s in structures[::100]]
    Structure.objects.filter(pk__in=changed).update(city="Porto-Vecchio", updated_at=timezone.now())
    since = sync_started.isoformat().replace("+", "%2B")
    start = time.perf_counter()
    incremental_records, incremental_pages = sync(client, f"{list_url}&updated_since={since}")
    _, deletion_pages = sync(client, f"/api/v1/deletions/?page_size={args.page_size}&since={since}")
    incremental_s = time.perf_counter() - start
    assert incremental_records == len(changed), incremental_records

    figures = {
        "structures": args.structures,
        "page_size": args.page_size,
        "full_sync_s": round(full_s, 3),
        "full_sync_pages": pages,
        "full_sync_records_per_s": round(records / full_s),
        "changed": len(changed),
        "incremental_records": incremental_records,
        "incremental_pages": incremental_pages,
        "deletion_pages": deletion_pages,
        "incremental_s": round(incremental_s, 3),
        "database": connection.vendor,
        "machine": machine(),
    }
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    emit("api_sync", figures)


if __name__ == "__main__":
    main()
