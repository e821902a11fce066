"""A whole worker killed mid-batch is taken over by the next one (issue 16, finding 2).

Real processes on Redis and PostgreSQL (CI): a worker started as ``make run`` starts it
(with beat), killed with SIGKILL, main process and children, while it computes a batch of a
few thousand dossiers; its message stays unacknowledged in Redis and its lease expires.
Another worker started next must finish the batch, within a bounded wait, with the same
results as an uninterrupted run and nothing doubled. Short lease, sweep interval and
visibility timeout for the test (``WORKER_ENV``); a queue of its own, so that no other test's
worker on the same broker (tests run in parallel) takes its messages, nor it theirs."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from aides.models import AidComputation, BatchItem, BatchState, Dossier
from aides.services.batch import batch_run, batch_start
from iae_portal.celery import app
from iae_portal.users.models import User
from structures.models import Department, Structure
from tests.aides.factories import CA_DATA, CampaignFactory
from tests.aides.test_worker_integration import database_url, needs_services
from tests.structures.factories import make_siret

DOSSIERS = 3000
WORKER_ENV = {
    "IAE_BATCH_CHUNK": "5",  # 600 chunks: the worker is killed well before the end
    "IAE_BATCH_LEASE": "3",
    "IAE_BATCH_SWEEP_INTERVAL": "1",
    "CELERY_VISIBILITY_TIMEOUT": "6",
}
FINISHED = (BatchState.DONE, BatchState.FAILED)


def seed(name, first_siret):
    """A campaign of ``DOSSIERS`` drafts, one structure each, written in bulk; the same data,
    dossier by dossier, for every campaign seeded."""
    campaign = CampaignFactory(name=name)
    author, _ = User.objects.get_or_create(email="kill@example.org")
    department = Department.objects.get(code="54")
    structures = Structure.objects.bulk_create(
        Structure(
            siret=make_siret(first_siret + n),
            name=f"{name} {n}",
            kind="ACI" if n % 3 else "EI",
            legal_form="association",
            department=department,
        )
        for n in range(DOSSIERS)
    )
    Dossier.objects.bulk_create(
        Dossier(
            reference=f"K{campaign.pk}-{n:05d}",
            structure=structure,
            campaign=campaign,
            created_by=author,
            data={
                **CA_DATA,
                "team": {"members_count": 4 + n % 9, "members_etp": 4},
                "years": 1 + n % 4,
                "expenses": [{"category": "investissement", "amount": 1000 * (n % 70)}],
            },
        )
        for n, structure in enumerate(structures)
    )
    return campaign


def unacked(broker, queue):
    """The delivery tags of the messages of ``queue`` a worker took and did not acknowledge
    (kombu's Redis transport keeps them in the ``unacked`` hash: message, exchange, queue)."""
    return [
        tag for tag, value in broker.hgetall("unacked").items() if json.loads(value)[2] == queue
    ]


def forget(broker, queue):
    broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for tag in unacked(broker, queue):
        broker.hdel("unacked", tag)
        broker.zrem("unacked_index", tag)


def start_worker(var_dir, queue):
    """``celery worker -B`` as ``make run`` starts it, in a process group of its own."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "iae_portal",
            "worker",
            "-B",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            **WORKER_ENV,
            "DATABASE_URL": database_url(),
            "IAE_VAR_DIR": str(var_dir),
            "CELERY_TASK_DEFAULT_QUEUE": queue,
        },
        start_new_session=True,
    )


def stop(worker, sig=signal.SIGTERM):
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    worker.wait(timeout=60)


def wait_for(batch, until, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if until(batch):
            return batch
        time.sleep(0.01)
    return batch


def results(campaign):
    """Each dossier's computed amount and result, in the order of the seed."""
    return [
        (total, result)
        for total, result in Dossier.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list("computation__total", "computation__result")
    ]


@needs_services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_whose_whole_worker_was_killed_is_finished_by_the_next(tmp_path):
    reference = seed("Sans interruption", 5_000_000_000)
    interrupted = seed("Worker tué", 5_000_010_000)
    expected = batch_run(batch_start(actor=None, campaign=reference, enqueue=False).pk)
    assert expected.state == BatchState.DONE and expected.done == DOSSIERS

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = f"test-worker-killed-{uuid.uuid4().hex[:12]}"
    default_queue = app.conf.task_default_queue
    first = start_worker(tmp_path, queue)
    second = None
    try:
        app.conf.task_always_eager = False  # restored by the autouse fixture
        app.conf.task_default_queue = queue
        batch = batch_start(actor=None, campaign=interrupted)  # queued on commit
        batch = wait_for(batch, lambda b: b.done >= DOSSIERS // 5 or b.state in FINISHED, 120)
        os.killpg(first.pid, signal.SIGKILL)  # the main process, its child, beat
        first.wait(timeout=30)
        batch.refresh_from_db()
        killed_at = batch.done
        assert batch.state == BatchState.RUNNING and 0 < killed_at < DOSSIERS, (
            "killed mid-batch",
            batch.state,
            killed_at,
        )
        # What the finding saw: the message waits unacknowledged, the lease is the dead one's.
        assert len(unacked(broker, queue)) == 1
        assert batch.lease_until is not None
        time.sleep(0.5)
        batch.refresh_from_db()
        assert batch.done == killed_at, "nothing runs it any more"

        second = start_worker(tmp_path, queue)
        batch = wait_for(batch, lambda b: b.state in FINISHED, 180)
    finally:
        app.conf.task_default_queue = default_queue
        stop(first, signal.SIGKILL)
        if second is not None:
            stop(second)
        forget(broker, queue)

    assert batch.state == BatchState.DONE, (batch.state, batch.done, batch.failure)
    assert batch.lease_until is None and batch.finished_at <= timezone.now()
    # The same results as the uninterrupted run, dossier by dossier and in total.
    assert results(interrupted) == results(reference)
    assert (batch.done, batch.total, batch.changed, batch.errors, batch.total_amount) == (
        expected.done,
        expected.total,
        expected.changed,
        expected.errors,
        expected.total_amount,
    )
    assert batch.total_amount > Decimal(0)
    # Nothing doubled: one item per dossier, one computation per dossier (the chunk the
    # kill interrupted was rolled back), each dossier changed once.
    items = BatchItem.objects.filter(batch=batch)
    assert items.count() == items.values("dossier").distinct().count() == DOSSIERS
    computations = AidComputation.objects.filter(structure__dossiers__campaign=interrupted)
    assert computations.count() == DOSSIERS
    assert set(computations.values_list("pk", flat=True)) == set(
        items.values_list("computation_id", flat=True)
    )
    versions = Dossier.objects.filter(campaign=interrupted).values_list("version", flat=True)
    assert set(versions) == {2}
