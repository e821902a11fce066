"""Benchmark: computing a campaign's amounts in batch, against PostgreSQL.

Run: ``make bench`` (10,000 dossiers, ≈50,000 positions) or ``make bench-quick`` (1,000).
Prints the figures, then one JSON line. Compared with:
- a naive loop doing the batch's job one dossier at a time: read it, compute it with the
  model method, save the computation, the dossier, the batch item (previous and new
  amounts) and the batch's progress, each save committed as Django does by default; timed
  on a sample and taken per dossier. The same loop inside one transaction, and the minimal
  loop (the computation and the dossier only, no item nor progress), are printed too;
- a lower bound: reading the same inputs with one query, computing them, and writing the
  same results with one bulk statement (the same ``bulk_insert`` as the batch: COPY on
  PostgreSQL), plus the dossiers' pointers in one update, and the foreign keys' checks
  its commit would run (it rolls back; then the tables are vacuumed before the batch).
Keys: ``batch_s``, ``batch_vs_lower_bound`` (target ≤ 2.0), ``naive_vs_batch`` (target ≥ 20).

At scale (issue 20, part 5): ``make bench-batch-large`` (``--scale 10000,100000``) seeds
each size in turn, times the lower bound, then runs the batch as the worker does: the
task's function (``aides.tasks.run_batch``) in a process of its own (this script with
``--worker``), with ``DEBUG`` off as in production, which reports its time and its own
peak resident memory (``VmHWM``). Keys, for each size n: ``batch_s_<n>``,
``lower_bound_s_<n>``, ``batch_vs_lower_bound_<n>`` (target ≤ 1.3),
``worker_peak_rss_mb_<n>``; and ``worker_memory_growth``, the peak at the largest size over
the peak at the smallest (target ≤ 1.2). The lower bound holds every row in memory (one
list): fine for its time, which is all it is for.
"""

import argparse
import json
import subprocess
import sys
import time

from _setup import (
    django_setup,
    emit,
    machine,
    remove_bench_campaigns,
    seed_campaign,
    vacuum_analyze,
)


def lower_bound(campaign):
    from django.db import transaction
    from django.utils import timezone

    from aides import rules
    from aides.models import AidComputation, Dossier
    from aides.services.batch import gc_paused, point_dossiers_to
    from iae_portal.bulk import bulk_insert

    scheme = campaign.scheme
    version = scheme.current_version
    parameters = scheme.parameters(version)
    start = time.perf_counter()
    # Without the cyclic collector, as the batch computes its chunks: a bound paying for
    # passes over its growing list of rows, which the batch avoids, would be no bound.
    with transaction.atomic(), gc_paused():
        rows = list(
            Dossier.objects.filter(campaign=campaign).values_list(
                "pk", "data", "structure_id", "structure__kind"
            )
        )
        now = timezone.now()
        computations, pointers = [], []
        for pk, data, structure_id, kind in rows:
            case = {**data, "scheme": scheme.code, "structure": {"kind": kind}}
            result = rules.evaluate(scheme.rule_kind, rules.parse_case(case), parameters)
            computations.append(
                {
                    "scheme_id": scheme.pk,
                    "version_id": version.pk,
                    "structure_id": structure_id,
                    "input": case,
                    "result": result.to_dict(),
                    "eligible": result.eligible,
                    "total": result.total,
                    "created_at": now,
                }
            )
            pointers.append(pk)
        keys = bulk_insert(AidComputation, computations)
        point_dossiers_to(list(zip(pointers, keys, strict=True)), now)
        # What the commit would do: check the foreign keys of the new rows (deferred
        # on PostgreSQL). A rollback skips them, and a bound that writes rows without
        # their checks is no bound (at 100,000 dossiers they are ≈ a quarter of it).
        check_deferred_constraints()
        transaction.set_rollback(True)  # measure only; leave the data as it was
    return time.perf_counter() - start


def check_deferred_constraints():
    """Run now the checks a commit would run: the deferred foreign keys (PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def naive(campaign, ids, *, batch=None):
    """Seconds per dossier of the loop a first version would write.

    With ``batch``, it does the batch's whole job one dossier at a time: the computation,
    the dossier pointing to it, the batch item (previous and new amounts, changed or not)
    and the batch's progress. Without, only the computation and the dossier (the minimal
    loop, printed for comparison)."""
    from django.db.models import F

    from aides.models import AidComputation, Batch, BatchItem, Dossier

    scheme = campaign.scheme
    version = scheme.current_version
    start = time.perf_counter()
    for pk in ids:
        dossier = Dossier.objects.select_related(
            "structure", "campaign__scheme", "computation"
        ).get(pk=pk)
        previous = dossier.computation
        result = scheme.compute_amount(dossier.case_data(), version)
        dossier.computation = AidComputation.objects.create(
            scheme=scheme,
            version=version,
            structure=dossier.structure,
            input=dossier.case_data(),
            result=result.to_dict(),
            eligible=result.eligible,
            total=result.total,
        )
        dossier.save()
        if batch is None:
            continue
        old_total = previous.total if previous else None
        changed = old_total != result.total
        BatchItem.objects.create(
            batch=batch,
            dossier=dossier,
            previous=previous,
            computation=dossier.computation,
            old_total=old_total,
            new_total=result.total,
            changed=changed,
        )
        Batch.objects.filter(pk=batch.pk).update(
            done=F("done") + 1,
            changed=F("changed") + int(changed),
            total_amount=F("total_amount") + (result.total or 0),
        )
    return (time.perf_counter() - start) / len(ids)


def naive_runs(campaign, sample):
    """Seconds per dossier of the naive loop: committed dossier by dossier (Django's
    default), then inside one transaction (rolled back), then the minimal loop; each on
    dossiers of its own."""
    from django.db import transaction
    from django.utils import timezone

    from aides.models import Batch, BatchState, Dossier

    ids = list(
        Dossier.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list("pk", flat=True)[: 3 * sample]
    )
    batch = Batch.objects.create(campaign=campaign, version=campaign.scheme.current_version)
    with transaction.atomic():
        in_one_transaction = naive(campaign, ids[sample : 2 * sample], batch=batch)
        transaction.set_rollback(True)
    committed = naive(campaign, ids[:sample], batch=batch)
    Batch.objects.filter(pk=batch.pk).update(state=BatchState.DONE, finished_at=timezone.now())
    return committed, in_one_transaction, naive(campaign, ids[2 * sample :])


def peak_rss_mb():
    """This process's peak resident memory (``VmHWM``), in MB (as ``_peak.py`` reads it)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def worker(batch_id):
    """The child process: run the batch as a worker's process does (the task's function),
    print its time, its peak memory before and after, as one JSON line."""
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # as in production: no log of every query
    from aides.tasks import run_batch

    before = peak_rss_mb()
    start = time.perf_counter()
    run_batch(batch_id)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb(), "start_mb": before}))


def in_worker(batch_id):
    """Run ``worker`` in a process of its own; its figures."""
    done = subprocess.run(
        [sys.executable, __file__, "--worker", str(batch_id)], capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"The worker process failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def at_scale(sizes):
    """Each size in turn, from a clean start: the lower bound, then the batch in a worker
    process; the figures of each size and the worker's memory growth."""
    from django.db import connection

    from aides.models import Batch
    from aides.services.batch import batch_start

    figures = {}
    for size in sizes:
        remove_bench_campaigns()
        start = time.perf_counter()
        campaign = seed_campaign(size)
        figures[f"seed_s_{size}"] = round(time.perf_counter() - start, 3)
        vacuum_analyze()
        bound = lower_bound(campaign)
        # The bound's rolled back rows and dossiers' versions, gone as autovacuum would
        # remove them: the batch starts from the tables the bound started from.
        vacuum_analyze("VACUUM ANALYZE")
        batch = batch_start(actor=None, campaign=campaign, enqueue=False)
        run = in_worker(batch.pk)
        done = Batch.objects.get(pk=batch.pk).done
        assert done == size, done
        figures[f"batch_s_{size}"] = round(run["seconds"], 3)
        figures[f"lower_bound_s_{size}"] = round(bound, 3)
        figures[f"batch_vs_lower_bound_{size}"] = round(run["seconds"] / bound, 2)
        figures[f"worker_start_rss_mb_{size}"] = round(run["start_mb"], 1)
        figures[f"worker_peak_rss_mb_{size}"] = round(run["peak_mb"], 1)
    smallest, largest = min(sizes), max(sizes)
    figures["worker_memory_growth"] = round(
        figures[f"worker_peak_rss_mb_{largest}"] / figures[f"worker_peak_rss_mb_{smallest}"], 2
    )
    figures["database"] = connection.vendor
    figures["machine"] = machine()
    with open("/proc/loadavg") as loadavg:
        figures["load_average"] = " ".join(loadavg.read().split()[:3])
    for key, value in figures.items():
        print(f"{key:>32}: {value}")
    emit("batch_scale", figures)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--naive-sample", type=int, default=1_000)
    parser.add_argument(
        "--scale",
        help="sizes in dossiers, e.g. 10000,100000: the batch in a worker process at each",
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # a batch's id
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    django_setup()
    if args.scale:
        at_scale(sorted(int(size) for size in args.scale.split(",")))
        return
    from django.db import connection

    from aides.services.batch import batch_run, batch_start

    remove_bench_campaigns()
    campaign = seed_campaign(args.dossiers)
    vacuum_analyze()
    bound = lower_bound(campaign)
    vacuum_analyze("VACUUM ANALYZE")  # the bound's rolled back rows, as at scale
    start = time.perf_counter()
    batch = batch_run(batch_start(actor=None, campaign=campaign, enqueue=False).pk)
    batch_s = time.perf_counter() - start
    assert batch.done == args.dossiers, batch.done
    # After the batch, so that its dossiers are all still to compute when it starts.
    naive_per_dossier, naive_in_transaction, naive_minimal = naive_runs(
        campaign, min(args.naive_sample, args.dossiers // 3)
    )
    per_dossier = batch_s / args.dossiers
    figures = {
        "dossiers": args.dossiers,
        "batch_s": round(batch_s, 3),
        "lower_bound_s": round(bound, 3),
        "naive_ms_per_dossier": round(naive_per_dossier * 1000, 3),
        "naive_in_one_transaction_ms_per_dossier": round(naive_in_transaction * 1000, 3),
        "naive_minimal_ms_per_dossier": round(naive_minimal * 1000, 3),
        "batch_ms_per_dossier": round(per_dossier * 1000, 3),
        "batch_vs_lower_bound": round(batch_s / bound, 2),
        "naive_vs_batch": round(naive_per_dossier / per_dossier, 1),
        "naive_in_one_transaction_vs_batch": round(naive_in_transaction / per_dossier, 1),
        "naive_minimal_vs_batch": round(naive_minimal / per_dossier, 1),
        "database": connection.vendor,
        "machine": machine(),
    }
    for key, value in figures.items():
        print(f"{key:>22}: {value}")
    emit("batch", figures)


if __name__ == "__main__":
    main()
