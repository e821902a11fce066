"""The default set-up (no DATABASE_URL, no CELERY_BROKER_URL) runs a real worker.

What `make run` does, in a folder of its own: SQLite under IAE_VAR_DIR, the filesystem broker
under IAE_VAR_DIR/broker/, a `celery worker` process. A batch started from the web process
only queues a message and answers at once; the worker computes it, and its progress is
readable meanwhile. Eager tasks are for tests only: the settings never turn them on.
"""

import json
import os
import subprocess
import sys
import time

from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]
CELERY = [sys.executable, "-m", "celery", "-A", "iae_portal"]
WORKER_FLAGS = ["--pool=solo", "--loglevel=WARNING", "--without-gossip", "--without-mingle"]

# Started in another process as the web process would: queued after commit, not run here.
START_BATCH = """
import json
from aides.services.batch import batch_start
from aides.models import Campaign, Dossier
from aides.workflow import COMPUTABLE
from django.db.models import Count, Q
campaign = (
    Campaign.objects.annotate(n=Count("dossiers", filter=Q(dossiers__state__in=COMPUTABLE)))
    .order_by("-n").first()
)
batch = batch_start(actor=None, campaign=campaign)
print(json.dumps({"uuid": str(batch.uuid), "state": batch.state, "total": batch.total}))
"""

READ_BATCH = """
import json
from aides.models import Batch
batch = Batch.objects.get(uuid="{uuid}")
print(json.dumps({{"state": batch.state, "done": batch.done, "items": batch.items.count()}}))
"""


def default_env(var_dir):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    return {**env, "IAE_VAR_DIR": str(var_dir), "IAE_BATCH_CHUNK": "3"}


def manage(env, *args, stdin=None):
    done = subprocess.run(
        [*MANAGE, *args],
        env=env,
        cwd=settings.BASE_DIR,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def shell_json(env, code):
    return json.loads(manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def test_settings_without_broker_use_the_filesystem_transport_not_eager_tasks(tmp_path):
    code = (
        "from iae_portal.celery import app; import json;"
        "print(json.dumps([app.conf.broker_url, app.conf.task_always_eager,"
        " app.conf.broker_transport_options['data_folder_in']]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**default_env(tmp_path), "DJANGO_SETTINGS_MODULE": "iae_portal.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    broker, eager, folder = json.loads(out.stdout.strip().splitlines()[-1])
    assert broker == "filesystem://"
    assert eager is False
    assert folder == str(tmp_path / "broker" / "queue")
    assert (tmp_path / "broker" / "queue").is_dir()


def test_a_batch_started_without_broker_is_run_by_a_real_worker(tmp_path):
    env = default_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_reference_data")
    manage(env, "load_aid_schemes")
    manage(env, "seed_demo", "--structures", "12")

    started = shell_json(env, START_BATCH)
    # No worker yet: the batch waits in the queue, nothing was computed in the caller.
    assert started["state"] == "pending" and started["total"] > 0
    assert list((tmp_path / "broker" / "queue").iterdir()), "the message waits in the queue"
    assert shell_json(env, READ_BATCH.format(uuid=started["uuid"]))["done"] == 0

    worker = subprocess.Popen(
        [*CELERY, "worker", *WORKER_FLAGS],
        env=env,
        cwd=settings.BASE_DIR,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            seen = shell_json(env, READ_BATCH.format(uuid=started["uuid"]))
            if seen["state"] in ("done", "failed"):
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert seen["state"] == "done", seen
    assert seen["done"] == seen["items"] == started["total"]
