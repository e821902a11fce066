"""Benchmark: computing a campaign's amounts in batch, against PostgreSQL.

Run: ``make bench`` (10,000 dossiers, ≈50,000 positions) or ``make bench-quick`` (1,000).
Prints the figures, then one JSON line. Compared with:
- a naive loop (one dossier at a time: read it, compute it with the model method, save the
  computation and the dossier, each save committed as Django does by default), timed on a
  sample and taken per dossier; the same loop inside one transaction is printed too;
- a lower bound: reading the same inputs with one query, computing them, and writing the
  same results with one bulk statement (the same ``bulk_insert`` as the batch: COPY on
  PostgreSQL), plus the dossiers' pointers in one update.
Keys: ``batch_s``, ``batch_vs_lower_bound`` (target ≤ 2.0), ``naive_vs_batch`` (target ≥ 20).
"""

import argparse
import time

from _setup import django_setup, emit, machine, seed_campaign


def lower_bound(campaign):
    from django.db import transaction
    from django.utils import timezone

    from aides import rules
    from aides.batch import point_dossiers_to
    from aides.models import AidComputation, Dossier
    from iae_portal.bulk import bulk_insert

    scheme = campaign.scheme
    version = scheme.current_version
    parameters = scheme.parameters(version)
    start = time.perf_counter()
    with transaction.atomic():
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
        transaction.set_rollback(True)  # measure only; leave the data as it was
    return time.perf_counter() - start


def naive(campaign, ids):
    """Seconds per dossier of the loop a first version would write."""
    from aides.models import AidComputation, Dossier

    scheme = campaign.scheme
    version = scheme.current_version
    start = time.perf_counter()
    for pk in ids:
        dossier = Dossier.objects.select_related("structure", "campaign__scheme").get(pk=pk)
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
    return (time.perf_counter() - start) / len(ids)


def naive_runs(campaign, sample):
    """The naive loop committed dossier by dossier (Django's default), then inside one
    transaction (rolled back) on other dossiers: seconds per dossier for each."""
    from django.db import transaction

    from aides.models import Dossier

    ids = list(
        Dossier.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list("pk", flat=True)[: 2 * sample]
    )
    with transaction.atomic():
        in_one_transaction = naive(campaign, ids[sample:])
        transaction.set_rollback(True)
    return naive(campaign, ids[:sample]), in_one_transaction


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--naive-sample", type=int, default=1_000)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from aides.batch import batch_run, batch_start

    campaign = seed_campaign(args.dossiers)
    bound = lower_bound(campaign)
    start = time.perf_counter()
    batch = batch_run(batch_start(actor=None, campaign=campaign, enqueue=False).pk)
    batch_s = time.perf_counter() - start
    assert batch.done == args.dossiers, batch.done
    # After the batch, so that its dossiers are all still to compute when it starts.
    naive_per_dossier, naive_in_transaction = naive_runs(
        campaign, min(args.naive_sample, args.dossiers // 2)
    )
    figures = {
        "dossiers": args.dossiers,
        "batch_s": round(batch_s, 3),
        "lower_bound_s": round(bound, 3),
        "naive_ms_per_dossier": round(naive_per_dossier * 1000, 3),
        "naive_in_one_transaction_ms_per_dossier": round(naive_in_transaction * 1000, 3),
        "batch_ms_per_dossier": round(batch_s / args.dossiers * 1000, 3),
        "batch_vs_lower_bound": round(batch_s / bound, 2),
        "naive_vs_batch": round(naive_per_dossier / (batch_s / args.dossiers), 1),
        "naive_in_one_transaction_vs_batch": round(
            naive_in_transaction / (batch_s / args.dossiers), 1
        ),
        "database": connection.vendor,
        "machine": machine(),
    }
    for key, value in figures.items():
        print(f"{key:>22}: {value}")
    emit("batch", figures)


if __name__ == "__main__":
    main()
