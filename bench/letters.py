"""Benchmark: award letters through the project's code vs bare WeasyPrint, and the memory
of a worker rendering many letters.

Run: ``make bench`` (200 letters; memory after 100 and 1,000) or ``make bench-quick``.
Prints the figures, then one JSON line. Keys: ``letter_ms`` (one letter through
``aides.letters``), ``letter_overhead_ratio`` (median against median, runs interleaved, vs
``weasyprint.HTML(string=…).write_pdf()``
of the same HTML resolved against the same static folder; target ≤ 1.15), ``peak_rss_mb``
of a worker after the last letter and ``rss_growth`` vs after the first tenth (target
≤ 1.3), each the process's own ``VmHWM``. The worker is a process recycled every 50
letters, like the Celery worker (``worker_max_tasks_per_child``).

Then a commission's letters through a real Celery worker, started as a subprocess with
``--concurrency=1`` and then ``--concurrency=2`` (on ``CELERY_BROKER_URL`` when set, as in
CI, else on a filesystem broker in a folder of its own, as ``make run`` runs one):
``--parallel-letters`` letters (a notification and a convention for each of half as many
voted dossiers; ``--letters`` by default), from the start of the batch to its end:
``parallel_speedup`` = time with 1 process / time with 2 (target ≥ 1.7), with the cores the
worker used (``parallel_*_process_cores``; ``--nice -10``, as root, puts the worker's
scheduling group before other sessions' work on a shared machine). And the archive of
a commission's letters (``aides.prepared``) written for ``--letters`` and for
``--memory-letters`` letters, each in a fresh process: ``archive_peak_rss_mb_*`` and
``archive_rss_growth``, the larger over the smaller (flat: ≈ 1.0).
"""

import argparse
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor

from _setup import ROOT, django_setup, emit, machine

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
    return peak_rss_mb()


def peak_rss_mb():
    """This process's own peak resident memory (``VmHWM``). Not ``ru_maxrss``: Linux carries
    a parent's peak into its child across fork and exec, so a fresh process started by this
    benchmark would report at least the benchmark's own peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--memory-letters", type=int, default=1000)
    parser.add_argument("--parallel-letters", type=int, help="default: --letters")
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="the workers' scheduling group niceness; below 0 (root) it goes before other "
        "sessions' work, as on a machine of its own (Linux shares the CPU between sessions)",
    )
    args = parser.parse_args()
    # Letters, archives and (without CELERY_BROKER_URL) the broker's messages in a folder of
    # the benchmark's own, shared with its workers; tasks on a queue of its own.
    var_dir = tempfile.mkdtemp(prefix="bench-letters-")
    os.environ["IAE_VAR_DIR"] = var_dir
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = f"bench-letters-{uuid.uuid4().hex[:8]}"
    try:
        run(args)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def run(args):
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
    parallel = parallel_run(args.parallel_letters or args.letters, args.nice)
    archive = archive_memory(sorted({args.letters, args.memory_letters}))
    figures = {
        "letters": args.letters,
        "letter_ms": round(project * 1000, 1),
        "bare_ms": round(bare * 1000, 1),
        "letter_overhead_ratio": round(project / bare, 2),
        "memory_letters": args.memory_letters,
        "peak_rss_mb": round(max(rss[-RECYCLE_EVERY:]), 1),
        "rss_after_first_tenth_mb": round(first_tenth, 1),
        "rss_growth": round(max(rss[-RECYCLE_EVERY:]) / first_tenth, 2),
        **parallel,
        **archive,
        "harfbuzz_subset": _has_harfbuzz_subset(),
        "debug": settings.DEBUG,
        "machine": machine(),
    }
    for key, value in figures.items():
        print(f"{key:>26}: {value}")
    emit("letters", figures)


# -- A commission's letters through a real worker, with 1 then 2 processes ------------------


def voted_commission(dossiers):
    """A commission held five days ago that voted ``dossiers`` dossiers, with instalments
    (seeded once in the bench database, then reused)."""
    import datetime
    from decimal import Decimal

    from _setup import seed_campaign
    from django.utils import timezone

    from aides.enums import DossierState
    from aides.models import Batch, BatchState, Campaign, Commission, Dossier, Instalment
    from aides.models.batches import ACTIVE_BATCH_STATES

    name = f"Bench letters {dossiers}"
    held = timezone.localdate() - datetime.timedelta(days=5)
    commission = Commission.objects.filter(campaign__name=name).first()
    if commission is None:
        # A seed of its own: other benchmarks may seed the same database at the same time.
        campaign = seed_campaign(dossiers, seed=int.from_bytes(os.urandom(4)))
        Campaign.objects.filter(pk=campaign.pk).update(name=name)
        commission = Commission.objects.create(campaign=campaign, date=held)
        voted = Dossier.objects.filter(campaign=campaign)
        voted.update(
            state=DossierState.VOTE,
            voted_amount=Decimal("106650.00"),
            commission=commission,
            deliberation_number="CP-2026-118",
            title="Équipe espaces verts & maraîchage",
        )
        Instalment.objects.bulk_create(
            Instalment(dossier_id=pk, year=year, amount=Decimal(amount))
            for pk in voted.values_list("pk", flat=True)
            for year, amount in enumerate(["55900.00", "22750.00", "17500.00", "10500.00"], 1)
        )
    elif commission.date > held:  # a letter cites only a commission already held
        Commission.objects.filter(pk=commission.pk).update(date=held)
    # A run stopped half-way left its batch active: it would block the next one.
    Batch.objects.filter(commission=commission, state__in=ACTIVE_BATCH_STATES).update(
        state=BatchState.FAILED, failure="Bench run stopped", lease_until=None
    )
    return Commission.objects.select_related("campaign").get(pk=commission.pk)


def start_worker(concurrency, name, log, nice=0):
    """``celery worker`` as ``make run`` starts it (without beat), in a session of its own
    (``nice``: that session's scheduling group's niceness), its output to the file ``log``;
    returns once it answers a ping."""
    from iae_portal.celery import app

    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "iae_portal", "--quiet", "worker",
            f"--concurrency={concurrency}", f"--hostname={name}", "--loglevel=WARNING",
            "--without-gossip", "--without-mingle",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    if nice:
        with open(f"/proc/{worker.pid}/autogroup", "w") as group:
            group.write(str(nice))
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            stop_worker(worker)
            with open(log.name) as output:
                raise RuntimeError(f"the worker {name} did not start:\n{output.read()[-3000:]}")
    return worker


def stop_worker(worker):
    """A warm shutdown (SIGTERM to the main process), then the whole group if it lingers."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def group_cpu_s(group):
    """CPU seconds the processes of the process group ``group`` used (and their children
    gone: a worker's recycled processes)."""
    ticks = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) == group:
            ticks += sum(int(field) for field in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def timed_batch(commission, worker):
    """Seconds from the start of a letters batch to its end (its progress read every 20 ms)
    and the CPU seconds the worker used meanwhile, then its files and rows removed."""
    from aides.models import Batch, BatchState
    from aides.services.batch import letters_start

    cpu = group_cpu_s(worker.pid)
    start = time.perf_counter()
    batch = letters_start(actor=None, commission=commission)  # queued: autocommit
    while batch.state not in (BatchState.DONE, BatchState.FAILED):
        time.sleep(0.02)
        batch.refresh_from_db()
    elapsed = time.perf_counter() - start
    cpu = group_cpu_s(worker.pid) - cpu
    items = list(batch.items.exclude(letter=""))
    if batch.state != BatchState.DONE or batch.errors or len(items) != batch.total:
        raise RuntimeError(f"letters batch: {batch.state} {batch.failure}, {batch.errors} errors")
    for item in items:
        item.letter.delete(save=False)
        item.convention.delete(save=False)
    Batch.objects.filter(pk=batch.pk).delete()
    return elapsed, cpu, 2 * len(items)


def parallel_run(letters_count, nice=0):
    """The same commission's letters with a worker of 1 process, then of 2."""
    from django.conf import settings

    commission = voted_commission(max(letters_count // 2, 1))
    broker = settings.CELERY_BROKER_URL.partition("://")[0]
    figures = {"parallel_broker": broker, "nice": nice}
    for concurrency in (1, 2):
        name = f"bench-letters-{concurrency}-{os.getpid()}@bench"
        with open(os.path.join(os.environ["IAE_VAR_DIR"], f"worker-{concurrency}.log"), "w") as log:
            worker = start_worker(concurrency, name, log, nice)
            try:
                elapsed, cpu, rendered = timed_batch(commission, worker)
            finally:
                stop_worker(worker)
        print(
            f"{rendered} letters, {concurrency} process(es): {elapsed:.2f} s,"
            f" the worker used {cpu / elapsed:.2f} core",
            flush=True,
        )
        figures[f"parallel_{concurrency}_process_s"] = round(elapsed, 2)
        figures[f"parallel_{concurrency}_process_cores"] = round(cpu / elapsed, 2)
    figures["parallel_letters"] = rendered
    figures["parallel_speedup"] = round(
        figures["parallel_1_process_s"] / figures["parallel_2_process_s"], 2
    )
    return figures


# -- The archive of a commission's letters: memory flat in the number of letters -----------


def archive_memory(sizes):
    """Peak RSS of a fresh process writing the archive of each of ``sizes`` letters (stored
    copies of one rendered notification and convention), and the largest over the smallest."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from aides import letters
    from aides.models import Batch, BatchItem, BatchKind, BatchState, LetterSettings

    commission = voted_commission(max(max(sizes) // 2, 1))
    dossiers = list(commission.campaign.dossiers.order_by("pk"))
    settings_now = LetterSettings.current()
    pdfs = {
        kind: letters.render_letter_pdf(kind, dossiers[0], settings_now)
        for kind in ("notification", "convention")
    }
    figures = {}
    context = multiprocessing.get_context("spawn")
    for size in sizes:
        batch = Batch.objects.create(
            kind=BatchKind.LETTERS,
            campaign=commission.campaign,
            commission=commission,
            state=BatchState.DONE,
        )
        items = []
        for dossier in dossiers[: max(size // 2, 1)]:
            names = [
                default_storage.save(
                    f"courriers/{batch.uuid}/{kind}-{dossier.reference}.pdf", ContentFile(pdf)
                )
                for kind, pdf in pdfs.items()
            ]
            items.append(
                BatchItem(batch=batch, dossier=dossier, letter=names[0], convention=names[1])
            )
        BatchItem.objects.bulk_create(items)
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as process:
            peak, archived = process.submit(_archive_in_fresh_process, batch.pk).result()
        shutil.rmtree(default_storage.path(f"courriers/{batch.uuid}"))
        Batch.objects.filter(pk=batch.pk).delete()
        print(f"archive of {archived} letters: peak RSS {peak:.1f} MB", flush=True)
        figures[f"archive_peak_rss_mb_{archived}"] = round(peak, 1)
    peaks = list(figures.values())
    figures["archive_rss_growth"] = round(peaks[-1] / peaks[0], 2)
    return figures


def _archive_in_fresh_process(batch_id):
    django_setup()
    import zipfile

    from aides.models import BatchItem
    from aides.prepared import write_letters_archive

    with tempfile.TemporaryFile() as out:
        write_letters_archive(BatchItem.objects.filter(batch_id=batch_id), out)
        out.seek(0)
        archived = len(zipfile.ZipFile(out).namelist())
    return peak_rss_mb(), archived


def _has_harfbuzz_subset():
    import ctypes.util

    return ctypes.util.find_library("harfbuzz-subset") is not None


if __name__ == "__main__":
    main()
