"""Benchmark: award letters through the project's code vs bare WeasyPrint, and the memory
of a worker rendering many letters.

Run: ``make bench`` (200 letters; memory after 100 and 1,000) or ``make bench-quick``.
Prints the figures, then one JSON line. Keys: ``letter_ms`` (one letter through
``aides.letters``), ``letter_overhead_ratio`` (median against median, runs interleaved, vs
``weasyprint.HTML(string=…).write_pdf()``
of the same HTML resolved against the same static folder; target ≤ 1.15), ``peak_rss_mb``
of a worker after the last letter and ``rss_growth`` vs after the first tenth (target
≤ 1.3). The worker is a process recycled every 50 letters, like the Celery worker
(``worker_max_tasks_per_child``).
"""

import argparse
import multiprocessing
import resource
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from _setup import django_setup, emit, machine

RECYCLE_EVERY = 50


def voted_dossier():
    """A voted dossier to write letters for (made once in the bench database)."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from aides.enums import DossierState
    from aides.models import Campaign, Commission, Dossier, Instalment
    from iae_portal.users.models import User
    from structures.models import Structure

    dossier = (
        Dossier.objects.filter(reference="BENCH-LETTER")
        .select_related("structure", "campaign__scheme", "commission")
        .first()
    )
    if dossier:
        # A letter cites only a commission already held: earlier runs dated it ahead.
        held = timezone.localdate() - datetime.timedelta(days=5)
        if dossier.commission.date > held:
            Commission.objects.filter(pk=dossier.commission_id).update(date=held)
            dossier.commission.date = held
        return dossier
    from _setup import seed_campaign

    campaign = seed_campaign(1)
    commission = Commission.objects.create(
        campaign=campaign, date=timezone.localdate() - datetime.timedelta(days=5)
    )
    dossier = Dossier.objects.filter(campaign=campaign).first()
    Dossier.objects.filter(pk=dossier.pk).update(
        reference="BENCH-LETTER",
        state=DossierState.VOTE,
        voted_amount=Decimal("106650.00"),
        commission=commission,
        deliberation_number="CP-2026-118",
        title="Équipe espaces verts & maraîchage",
    )
    for year, amount in enumerate(["55900.00", "22750.00", "17500.00", "10500.00"], start=1):
        Instalment.objects.create(dossier=dossier, year=year, amount=Decimal(amount))
    del Campaign, Structure, User
    return Dossier.objects.select_related("structure", "campaign__scheme", "commission").get(
        pk=dossier.pk
    )


def _render_in_worker(_):
    """One task of the worker: render a letter, return the process's peak RSS in MB."""
    global _DOSSIER
    if "_DOSSIER" not in globals():
        django_setup()
        _DOSSIER = voted_dossier()
    from aides import letters
    from aides.models import LetterSettings

    letters.render_letter_pdf("notification", _DOSSIER, LetterSettings.current())
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--memory-letters", type=int, default=1000)
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.db import connections
    from weasyprint import HTML

    from aides import letters
    from aides.models import LetterSettings
    from iae_portal import pdf

    dossier = voted_dossier()
    letter_settings = LetterSettings.current()
    html = letters.render_letter_html("notification", dossier, letter_settings)
    base_url = pdf.STATIC_ROOT.as_uri() + "/"
    letters.render_letter_pdf("notification", dossier, letter_settings)  # warm caches
    HTML(string=html, base_url=base_url).write_pdf()

    # Interleaved, and compared by their medians: the machine's noise hits both alike.
    project_times, bare_times = [], []
    for _ in range(args.letters):
        start = time.perf_counter()
        letters.render_letter_pdf("notification", dossier, letter_settings)
        project_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        HTML(string=html, base_url=base_url).write_pdf()
        bare_times.append(time.perf_counter() - start)
    project, bare = statistics.median(project_times), statistics.median(bare_times)

    print(
        f"letter through aides.letters: {project * 1000:.1f} ms, bare: {bare * 1000:.1f} ms",
        flush=True,
    )
    connections.close_all()  # a fresh process opens its own
    # A fresh process every RECYCLE_EVERY letters, as Celery's max_tasks_per_child does
    # (ProcessPoolExecutor's own max_tasks_per_child hangs on some Python 3.12 releases).
    context = multiprocessing.get_context("spawn")
    rss = []
    for start in range(0, args.memory_letters, RECYCLE_EVERY):
        count = min(RECYCLE_EVERY, args.memory_letters - start)
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as worker:
            rss.extend(worker.map(_render_in_worker, range(count)))
    first_tenth = max(rss[: max(args.memory_letters // 10, 1)])
    figures = {
        "letters": args.letters,
        "letter_ms": round(project * 1000, 1),
        "bare_ms": round(bare * 1000, 1),
        "letter_overhead_ratio": round(project / bare, 2),
        "memory_letters": args.memory_letters,
        "peak_rss_mb": round(max(rss[-RECYCLE_EVERY:]), 1),
        "rss_after_first_tenth_mb": round(first_tenth, 1),
        "rss_growth": round(max(rss[-RECYCLE_EVERY:]) / first_tenth, 2),
        "harfbuzz_subset": _has_harfbuzz_subset(),
        "debug": settings.DEBUG,
        "machine": machine(),
    }
    for key, value in figures.items():
        print(f"{key:>26}: {value}")
    emit("letters", figures)


def _has_harfbuzz_subset():
    import ctypes.util

    return ctypes.util.find_library("harfbuzz-subset") is not None


if __name__ == "__main__":
    main()
