"""A batch whose runner is gone is taken over (issue 16, finding 2): by the sweep (Celery
beat, and each worker when it starts), by « Reprendre » on its page and by
``compute_campaign --resume``; a runner that was taken over stops; nothing is doubled.

The real worker killed mid-batch: ``test_worker_killed.py`` (PostgreSQL and Redis)."""

import datetime
import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from celery.signals import worker_ready
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from aides import services, tasks
from aides.models import AidComputation, Batch, BatchItem, BatchState, Dossier
from aides.services import batch as batch_module
from aides.services.batch import (
    BatchBusy,
    BatchNotStalled,
    batch_is_stalled,
    batch_resume,
    batch_run,
    batch_start,
    batches_sweep,
)
from iae_portal.audit.models import AuditEntry
from structures.models import Department
from tests.aides.batches import eleven_drafts
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

CHUNK = 4


@pytest.fixture
def dossiers(campaign):
    return eleven_drafts(campaign)


@pytest.fixture
def small_chunks(settings):
    settings.IAE_BATCH_CHUNK = CHUNK


def killed_midway(campaign, monkeypatch):
    """A batch whose runner died after its first chunk (its worker killed with it); the
    lease it held has not expired yet."""
    batch = batch_start(actor=None, campaign=campaign, enqueue=False)
    real_chunk, calls = batch_module._run_chunk, []

    def dying_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real_chunk(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(batch_module, "_run_chunk", dying_chunk)
        with pytest.raises(SystemExit):
            batch_run(batch.pk, chunk_size=CHUNK)
    batch.refresh_from_db()
    assert batch.state == BatchState.RUNNING and batch.done == CHUNK
    return batch


def expire(batch):
    Batch.objects.filter(pk=batch.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    batch.refresh_from_db()


def assert_done_once(batch, dossiers):
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE and batch.done == batch.total == len(dossiers)
    items = BatchItem.objects.filter(batch=batch)
    assert items.count() == items.values("dossier").distinct().count() == len(dossiers)
    assert AidComputation.objects.filter(version=batch.version, created_by=None).count() == len(
        dossiers
    )
    computed = Dossier.objects.filter(pk__in=[d.pk for d in dossiers])
    assert batch.total_amount == sum(
        (d.computation.total for d in computed.select_related("computation")), Decimal(0)
    )
    assert set(computed.values_list("computation_id", flat=True)) == set(
        items.values_list("computation_id", flat=True)
    )


def test_the_sweep_hands_a_batch_whose_lease_expired_to_a_new_run(
    campaign, dossiers, monkeypatch, small_chunks, django_capture_on_commit_callbacks
):
    batch = killed_midway(campaign, monkeypatch)
    # While the lease runs, the runner might still be alive: the sweep leaves it.
    assert not batch_is_stalled(batch)
    assert batches_sweep() == []
    expire(batch)
    assert batch_is_stalled(batch)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert [b.pk for b in batches_sweep()] == [batch.pk]
    assert len(queued) == 1  # run at once: tasks are eager here
    assert_done_once(batch, dossiers)
    assert batches_sweep() == []


def test_a_batch_queued_but_never_claimed_is_swept_a_lease_later(
    campaign, dossiers, monkeypatch, settings
):
    """Its message lost (the filesystem broker forgets a dead worker's message)."""
    sent = []
    monkeypatch.setattr(batch_module, "enqueue", lambda name, *args: sent.append((name, args)))
    batch = batch_start(actor=None, campaign=campaign, enqueue=False)
    assert batches_sweep() == []
    Batch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.IAE_BATCH_LEASE + 1)
    )
    assert [b.pk for b in batches_sweep()] == [batch.pk]


def test_a_swept_batch_is_queued_once_per_lease_and_its_run_claims_it_at_once(
    campaign, dossiers, monkeypatch, small_chunks, django_capture_on_commit_callbacks
):
    batch = killed_midway(campaign, monkeypatch)
    expire(batch)
    sent = []
    monkeypatch.setattr(batch_module, "enqueue", lambda name, *args: sent.append((name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        batches_sweep()
        # The queue is busy, the run waits: the next sweeps queue no copy of it.
        batches_sweep()
        batches_sweep()
    assert sent == [("aides.tasks.run_batch", (batch.pk, sent[0][1][1]))]
    reserved = datetime.datetime.fromisoformat(sent[0][1][1])
    batch.refresh_from_db()
    assert batch.lease_until == reserved > timezone.now()
    # The reserved lease keeps other runs (a message the broker hands out again) away...
    with pytest.raises(BatchBusy):
        batch_run(batch.pk)
    # ...but the queued run claims it without waiting for it to expire.
    tasks.run_batch.delay(*sent[0][1])
    assert_done_once(batch, dossiers)


def test_a_worker_starting_sweeps(
    campaign, dossiers, monkeypatch, small_chunks, django_capture_on_commit_callbacks
):
    """``aides.tasks`` (imported by every worker) sweeps on ``worker_ready``."""
    batch = killed_midway(campaign, monkeypatch)
    expire(batch)
    with django_capture_on_commit_callbacks(execute=True):
        worker_ready.send(sender=None)
    assert_done_once(batch, dossiers)


def test_a_runner_taken_over_stops_and_its_chunk_is_rolled_back(
    campaign, dossiers, monkeypatch, small_chunks
):
    """A runner that stalled past its lease (not dead) must not write beside the one that
    took the batch over."""
    batch = batch_start(actor=None, campaign=campaign, enqueue=False)
    real_chunk, calls = batch_module._run_chunk, []

    def chunk_after_a_takeover(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # meanwhile, another runner claimed the expired lease
            Batch.objects.filter(pk=batch.pk).update(
                lease_until=timezone.now() + datetime.timedelta(minutes=5)
            )
        return real_chunk(*args, **kwargs)

    monkeypatch.setattr(batch_module, "_run_chunk", chunk_after_a_takeover)
    stopped = batch_run(batch.pk, chunk_size=CHUNK)
    assert stopped.state == BatchState.RUNNING and stopped.done == CHUNK
    assert BatchItem.objects.filter(batch=batch).count() == CHUNK
    assert AidComputation.objects.filter(version=batch.version, created_by=None).count() == CHUNK
    monkeypatch.setattr(batch_module, "_run_chunk", real_chunk)
    expire(batch)
    batch_run(batch.pk, chunk_size=CHUNK)
    assert_done_once(batch, dossiers)


def test_staff_resume_a_stalled_batch_from_its_page(
    client,
    campaign,
    dossiers,
    chef_service,
    monkeypatch,
    small_chunks,
    django_capture_on_commit_callbacks,
):
    batch = killed_midway(campaign, monkeypatch)
    page_url = reverse("aides:batch_detail", args=[batch.uuid])
    resume = reverse("aides:batch_resume", args=[batch.uuid])
    client.force_login(chef_service)
    # A lease still running: no button, and a forced POST changes nothing.
    assert "Reprendre" not in client.get(page_url).content.decode()
    response = client.post(resume, follow=True)
    assert "pas interrompu" in response.content.decode()
    assert not AuditEntry.objects.filter(action="aides.batch_resume").exists()

    expire(batch)
    page = client.get(page_url).content.decode()
    assert "Traitement interrompu" in page and "Reprendre" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resume)
    assert response.status_code == 302 and response["Location"] == page_url
    assert_done_once(batch, dossiers)
    entry = AuditEntry.objects.get(action="aides.batch_resume")
    assert entry.actor == chef_service and entry.object_id == str(campaign.uuid)
    assert entry.changes == {"batch": [None, str(batch.uuid)]}
    assert entry.reason == f"Traitement interrompu à {CHUNK} / {len(dossiers)} dossiers, repris."
    page = client.get(page_url).content.decode()
    assert "Bilan" in page and "Traitement interrompu" not in page


def test_who_may_resume_a_batch(
    client, campaign, dossiers, instructeur, lecteur, director_a, monkeypatch, small_chunks
):
    batch = killed_midway(campaign, monkeypatch)
    expire(batch)
    page_url = reverse("aides:batch_detail", args=[batch.uuid])
    resume = reverse("aides:batch_resume", args=[batch.uuid])
    # A reader sees that it stopped, not the button; the POST is refused.
    client.force_login(lecteur)
    page = client.get(page_url).content.decode()
    assert "Traitement interrompu" in page and "Reprendre</button>" not in page
    assert client.post(resume).status_code == 403
    client.force_login(director_a)
    assert client.post(resume).status_code == 403
    # A region-bound agent may not, once the campaign holds another region's dossier.
    paris = StructureFactory(department=Department.objects.get(code="75"))
    services.dossier_create(
        actor=MembershipFactory(structure=paris).user, structure=paris, campaign=campaign
    )
    # (Its pages are then beyond their reach altogether: tests/aides/test_batch_scope.py.)
    client.force_login(instructeur)
    assert client.get(page_url).status_code == 404
    assert client.post(resume).status_code == 404
    assert not AuditEntry.objects.filter(action="aides.batch_resume").exists()
    batch.refresh_from_db()
    assert batch.state == BatchState.RUNNING and batch.done == CHUNK
    # Staff covering every region may.
    client.force_login(UserFactory(role=instructeur.role, region=None))
    assert "Reprendre</button>" in client.get(page_url).content.decode()


def test_only_a_stalled_batch_may_be_resumed(campaign, dossiers):
    batch = batch_start(actor=None, campaign=campaign, enqueue=False)
    with pytest.raises(BatchNotStalled):  # just queued: a worker is about to take it
        batch_resume(actor=None, batch=batch, enqueue=False)
    batch = batch_run(batch.pk)
    with pytest.raises(BatchNotStalled):
        batch_resume(actor=None, batch=batch, enqueue=False)


def test_compute_campaign_resume(campaign, dossiers, monkeypatch, small_chunks):
    with pytest.raises(CommandError, match="Aucun traitement en cours à reprendre"):
        call_command("compute_campaign", str(campaign.uuid), "--resume")
    batch = killed_midway(campaign, monkeypatch)
    # Its runner may be alive: neither a new batch nor a resumption.
    with pytest.raises(CommandError, match="Un calcul est déjà en cours") as refused:
        call_command("compute_campaign", str(campaign.uuid))
    assert "--resume" not in str(refused.value)
    with pytest.raises(CommandError, match="n'est pas interrompu"):
        call_command("compute_campaign", str(campaign.uuid), "--resume")

    expire(batch)
    with pytest.raises(CommandError, match="reprenez-le avec --resume"):
        call_command("compute_campaign", str(campaign.uuid))
    out = StringIO()
    call_command("compute_campaign", campaign.name, "--resume", stdout=out)
    assert f"Reprise à {CHUNK} / {len(dossiers)} dossiers." in out.getvalue()
    assert f"{len(dossiers)} dossiers calculés avec les paramètres v1" in out.getvalue()
    assert_done_once(batch, dossiers)
    entry = AuditEntry.objects.get(action="aides.batch_resume")
    assert entry.actor is None and entry.actor_label == "système"


def celery_conf(tmp_path, **env):
    """The Celery configuration a process started with ``env`` reads."""
    code = (
        "import django, json; django.setup(); from iae_portal.celery import app;"
        "print(json.dumps([app.conf.broker_transport_options, app.conf.beat_schedule], default=repr))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "iae_portal.settings",
            "IAE_VAR_DIR": str(tmp_path),
            **env,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_on_redis_a_dead_workers_message_comes_back_after_the_visibility_timeout(tmp_path):
    """Redis' default visibility timeout (an hour) left the message of a killed worker
    unacknowledged while the finding waited; it now follows the lease."""
    redis_url = {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/15"}
    done = celery_conf(tmp_path, **redis_url)
    options, schedule = json.loads(done.stdout.strip().splitlines()[-1])
    assert options == {"visibility_timeout": 600}  # five leases of two minutes
    assert schedule["aides-sweep-batches"] == {
        "task": "aides.tasks.sweep_batches",
        "schedule": 60,
        "options": {"expires": 60},
    }
    done = celery_conf(tmp_path, **redis_url, IAE_BATCH_LEASE="3", CELERY_VISIBILITY_TIMEOUT="6")
    assert json.loads(done.stdout.strip().splitlines()[-1])[0] == {"visibility_timeout": 6}
    # Shorter than the lease, a message waiting for a lease to expire would be handed out twice.
    done = celery_conf(tmp_path, **redis_url, CELERY_VISIBILITY_TIMEOUT="120")
    assert done.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT must be longer than IAE_BATCH_LEASE" in done.stderr


def test_beat_runs_where_workers_run():
    """``make run`` embeds beat in its worker; docker-compose runs one beat service."""
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    assert "celery -A iae_portal --quiet worker --beat" in makefile
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    assert "command: celery -A iae_portal beat" in compose


def test_starting_again_leads_to_the_batch_already_running(
    client, campaign, dossiers, chef_service, monkeypatch, small_chunks
):
    """« Lancer » while a batch of the campaign runs (or stalled) refuses and opens that
    batch's page, where « Reprendre » shows once its lease expired."""
    batch = killed_midway(campaign, monkeypatch)
    expire(batch)
    client.force_login(chef_service)
    response = client.post(reverse("aides:batch_start", args=[campaign.uuid]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("aides:batch_detail", args=[batch.uuid])
    page = response.content.decode().replace("&#x27;", "'")
    assert "Un calcul est déjà en cours" in page and "Reprendre" in page
    assert Batch.objects.filter(campaign=campaign).count() == 1
