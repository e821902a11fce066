"""Benchmark: a partner's sync through the REST API, against PostgreSQL.

Run: ``make bench`` (100,000 structures) or ``make bench-quick`` (10,000).
The structures are seeded in one département (Corse-du-Sud, which no other benchmark
uses), each with a convention, a network and a year of figures, and read by a client
restricted to it, as a partner would: a full sync following ``next`` through pages of
1,000, then, after 1 % of the structures changed, an incremental sync (``updated_since`` =
when the full sync started) and the deletions feed. Requests go through Django's WSGI
handler in-process (no network), so the figure is the API's own cost.

In the same run, the lower bound: the same rows read directly, as keyset pages of 1,000
structures with their conventions, networks and figures through psycopg (no Django, no
HTTP), each page serialised with orjson (``lower_bound``); ``sync_vs_lower_bound`` is the
API's time over it.
The full sync reads each structure's stored JSON (``structures.api.stored``), written
beforehand by ``stored.refresh()`` as the task an import queues does (``refresh_s``); a
cold sync, with nothing stored (each page represents its structures and queues the
refresh, which no worker runs here), is timed too (``cold_sync_records_per_s``).
Keys: ``full_sync_records_per_s`` (target ≥ 25,000 on 100,000 structures),
``sync_vs_lower_bound`` (target ≤ 3.0), ``incremental_pages`` (target ≤ 2).
"""

import argparse
import datetime
import os
import random
import time
from decimal import Decimal

import orjson
from _setup import django_setup, emit, machine

os.environ.setdefault("IAE_API_THROTTLE_RATE", "1000000/min")
DEPARTMENT = "2A"
PREFIX = "API bench"


def seed(count, seed=2026):
    """``count`` structures of the bench département (old ones removed), written in bulk."""
    from django.db import connection

    from structures.demo import unique_sirets
    from structures.models import (
        Convention,
        NetworkAffiliation,
        Structure,
        StructureRepresentation,
        YearlyFigures,
    )

    old = Structure.objects.filter(department_id=DEPARTMENT, name__startswith=PREFIX)
    # Raw deletes: a benchmark's leftovers are not deletions a partner must hear of.
    for model in (Convention, NetworkAffiliation, YearlyFigures, StructureRepresentation):
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
    YearlyFigures.objects.bulk_create(
        [
            YearlyFigures(
                structure=s,
                year=2025,
                source="declaration",
                insertion_headcount=rng.randint(5, 60),
                insertion_etp=Decimal(rng.randint(300, 4000)) / 100,
                hours_worked=rng.randint(5000, 60000),
                turnover=Decimal(rng.randint(10_000_00, 900_000_00)) / 100,
                public_subsidies=Decimal(rng.randint(0, 300_000_00)) / 100,
                total_resources=Decimal(rng.randint(300_000_00, 1_200_000_00)) / 100,
            )
            for s in structures
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        # As autovacuum would after such a bulk load: the planner needs the new numbers.
        with connection.cursor() as cursor:
            for model in (Structure, Convention, NetworkAffiliation, YearlyFigures):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return structures


def sync(client, url):
    """Follow ``next`` to the end: (records, pages)."""
    records, pages = 0, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        body = orjson.loads(response.content)
        records += len(body["results"])
        pages += 1
        url = body["next"]
    return records, pages


STRUCTURE_COLUMNS = (
    "id, uuid, siret, name, kind, legal_form, address, postal_code, city, department_id, "
    "activity, email, phone, created_at, updated_at"
)
FIGURES_COLUMNS = (
    "structure_id, year, source, insertion_headcount, insertion_etp, permanent_headcount, "
    "permanent_etp, hours_worked, turnover, public_subsidies, total_resources, exits_cdi, "
    "exits_cdd, exits_contrat_aide, exits_formation, exits_interim, exits_other_siae, "
    "share_women, share_under_26, share_over_45, share_rsa, updated_at"
)


def lower_bound(dsn, page_size):
    """The same records read and serialised with nothing in between: keyset pages of the
    département's structures by uuid, their children in one query each (``= ANY``), each
    page written as JSON by orjson. Returns (records, seconds)."""
    import psycopg

    figure_names = [c.strip() for c in FIGURES_COLUMNS.split(",")][1:]
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT code, region_id FROM structures_department")
        regions = dict(cur.fetchall())
        today = datetime.date.today()
        records, last = 0, None
        start = time.perf_counter()
        while True:
            cur.execute(
                f"SELECT {STRUCTURE_COLUMNS} FROM structures_structure WHERE department_id = %s"
                " AND (%s::uuid IS NULL OR uuid > %s::uuid) ORDER BY uuid LIMIT %s",
                (DEPARTMENT, last, last, page_size),
            )
            rows = cur.fetchall()
            if not rows:
                break
            ids = [row[0] for row in rows]
            children = {pk: ([], [], []) for pk in ids}
            cur.execute(
                "SELECT structure_id, kind, number, start_date, end_date, updated_at"
                " FROM structures_convention WHERE structure_id = ANY(%s)"
                " ORDER BY start_date, id",
                (ids,),
            )
            for sid, kind, number, begin, end, updated in cur.fetchall():
                children[sid][0].append(
                    {
                        "kind": kind,
                        "number": number,
                        "start_date": begin,
                        "end_date": end,
                        "active": begin <= today and (end is None or end >= today),
                        "updated_at": updated,
                    }
                )
            cur.execute(
                "SELECT structure_id, network, start_date, end_date, updated_at"
                " FROM structures_networkaffiliation WHERE structure_id = ANY(%s)"
                " ORDER BY network, start_date, id",
                (ids,),
            )
            for sid, network, begin, end, updated in cur.fetchall():
                children[sid][1].append(
                    {
                        "network": network,
                        "start_date": begin,
                        "end_date": end,
                        "updated_at": updated,
                    }
                )
            cur.execute(
                f"SELECT {FIGURES_COLUMNS} FROM structures_yearlyfigures"
                " WHERE structure_id = ANY(%s) ORDER BY year, id",
                (ids,),
            )
            for sid, *values in cur.fetchall():
                children[sid][2].append(dict(zip(figure_names, values, strict=True)))
            page = [
                {
                    "uuid": r[1],
                    "siret": r[2],
                    "name": r[3],
                    "kind": r[4],
                    "legal_form": r[5],
                    "address": r[6],
                    "postal_code": r[7],
                    "city": r[8],
                    "department": r[9],
                    "region": regions[r[9]],
                    "activity": r[10],
                    "email": r[11],
                    "phone": r[12],
                    "conventions": children[r[0]][0],
                    "networks": children[r[0]][1],
                    "figures": children[r[0]][2],
                    "created_at": r[13],
                    "updated_at": r[14],
                }
                for r in rows
            ]
            orjson.dumps({"next": None, "previous": None, "results": page}, default=str)
            records += len(rows)
            last = rows[-1][1]
        return records, time.perf_counter() - start


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
    from structures.api import stored
    from structures.models import Department, Structure, StructureRepresentation

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

    # Cold: no structure's JSON stored yet (structures.api.stored), each page represents its
    # structures as before.
    StructureRepresentation.objects.all()._raw_delete(StructureRepresentation.objects.db)
    start = time.perf_counter()
    cold_records, _ = sync(client, list_url)
    cold_s = time.perf_counter() - start
    assert cold_records == args.structures, cold_records
    # What the task queued by an import does: every structure's JSON written ahead.
    StructureRepresentation.objects.all()._raw_delete(StructureRepresentation.objects.db)
    start = time.perf_counter()
    refreshed = stored.refresh()
    refresh_s = time.perf_counter() - start
    # Every structure of the database: the other benchmarks' too.
    assert refreshed >= args.structures, refreshed

    sync_started = timezone.now()
    start = time.perf_counter()
    records, pages = sync(client, list_url)
    full_s = time.perf_counter() - start
    assert records == args.structures, records

    dsn = os.environ["DATABASE_URL"]
    lower_records, lower_s = lower_bound(dsn, args.page_size)
    assert lower_records == args.structures, lower_records

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
        "cold_sync_s": round(cold_s, 3),
        "cold_sync_records_per_s": round(cold_records / cold_s),
        "refreshed": refreshed,
        "refresh_s": round(refresh_s, 3),
        "refresh_records_per_s": round(refreshed / refresh_s),
        "lower_bound_s": round(lower_s, 3),
        "lower_bound_records_per_s": round(lower_records / lower_s),
        "sync_vs_lower_bound": round(full_s / lower_s, 2),
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
