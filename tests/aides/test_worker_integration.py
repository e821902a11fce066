"""A batch through the real broker and a real worker process (CI: Redis and PostgreSQL)."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from aides import services
from aides.models import Batch, BatchState
from aides.services.batch import batch_start
from iae_portal.celery import app
from tests.aides.factories import CA_DATA, CampaignFactory
from tests.structures.factories import MembershipFactory, StructureFactory

needs_services = pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL") or connection.vendor != "postgresql",
    reason="needs a Redis broker and PostgreSQL (a worker process must reach the test database)",
)


def database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@needs_services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batch_runs_in_a_worker_and_its_progress_is_readable():
    campaign = CampaignFactory()
    for _ in range(40):
        structure = StructureFactory()
        director = MembershipFactory(structure=structure).user
        dossier = services.dossier_create(actor=director, structure=structure, campaign=campaign)
        services.dossier_save_data(
            actor=director, dossier=dossier, expected_version=dossier.version, data=CA_DATA
        )

    app.control.purge()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "iae_portal",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url(), "IAE_BATCH_CHUNK": "2"},
    )
    try:
        app.conf.task_always_eager = False  # restored by the autouse fixture
        batch = batch_start(actor=None, campaign=campaign)  # queued on commit (autocommit here)
        seen, deadline = [], time.monotonic() + 90
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            seen.append((batch.state, batch.done))
            if batch.state in (BatchState.DONE, BatchState.FAILED):
                break
            time.sleep(0.02)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert batch.state == BatchState.DONE, (batch.failure, seen[-5:])
    assert batch.done == 40
    done_values = [done for _, done in seen]
    assert done_values == sorted(done_values), "progress never goes back"
    assert any(state == BatchState.RUNNING and 0 < done < 40 for state, done in seen), (
        "progress was readable while the worker ran"
    )
    assert Batch.objects.get(pk=batch.pk).items.count() == 40
