"""Redis down: the web keeps working, the batch buttons say the queue is unavailable, and
what a request saved stays saved (no 500 after the commit).

Two ways Redis can be down: never reachable (nothing listens on the broker's port) and
killed while the web process holds a connection to it (CI has ``redis-server``)."""

import html
import shutil
import socket
import subprocess
import time

import pytest
from django.urls import reverse

from aides.enums import DossierState as S
from aides.models import Batch, BatchState, Notification
from iae_portal.celery import app
from tests.aides.factories import move

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_broker(monkeypatch, url):
    """Point the Celery app at ``url`` (a new port each time, so a connection pool of its
    own); tasks are really queued. Pools are dropped as Celery does after a fork."""
    app._pool = None
    app.amqp._producer_pool = None
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it before its settings
    app.conf.broker_url = url
    app.conf.task_always_eager = False  # restored by tests/conftest.py's _eager_celery


def start_redis(port):
    server = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture(params=["never_up", "killed"])
def redis_down(request, monkeypatch):
    broker_url, pool, producers = app.conf.broker_url, app._pool, app.amqp._producer_pool
    port = free_port()
    if request.param == "killed":
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed (CI installs it)")
        server = start_redis(port)
        use_broker(monkeypatch, f"redis://127.0.0.1:{port}/0")
        app.send_task("portal.ping")  # the web process now holds a live connection
        server.terminate()
        server.wait(timeout=10)
    else:
        use_broker(monkeypatch, f"redis://127.0.0.1:{port}/0")
    yield
    if app._pool is not None:
        app._pool.force_close_all()  # the test's own pool only
    app._pool, app.amqp._producer_pool, app.conf.broker_url = pool, producers, broker_url


def test_starting_a_batch_says_the_queue_is_unavailable(
    client, redis_down, campaign, draft, instructeur, django_capture_on_commit_callbacks
):
    client.force_login(instructeur)
    batches = reverse("aides:campaign_batches", args=[campaign.uuid])
    assert client.get(batches).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("aides:batch_start", args=[campaign.uuid]))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "La file de calcul est indisponible" in page.content.decode()
    batch = Batch.objects.get(campaign=campaign)
    assert batch.state == BatchState.FAILED and batch.done == 0
    # The failed batch blocks nothing, and the campaign's pages still answer.
    assert client.get(batches).status_code == 200
    assert client.get(campaign.get_absolute_url()).status_code == 200


def test_letters_batch_says_the_queue_is_unavailable(
    client, redis_down, draft_voted, commission, chef_service, django_capture_on_commit_callbacks
):
    client.force_login(chef_service)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("aides:batch_start", args=[commission.campaign.uuid]),
            {"commission": commission.pk},
        )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "La file de calcul est indisponible" in page.content.decode()
    assert Batch.objects.get().state == BatchState.FAILED


def test_a_dossier_submitted_while_redis_is_down_is_saved_and_notified_on_the_portal(
    client, redis_down, draft, director_a, django_capture_on_commit_callbacks
):
    client.force_login(director_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("aides:dossier_transition", args=[draft.uuid, "submit"]),
            {"submit-version": draft.version},
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == S.DEPOSE
    notification = Notification.objects.get(user=director_a, dossier=draft)
    assert notification.emailed_at is None  # not sent: the queue is down
    page = client.get(reverse("aides:notifications"))
    assert page.status_code == 200
    assert notification.subject in html.unescape(page.content.decode())


def test_staff_pages_keep_working(client, redis_down, draft, instructeur):
    move(draft, draft.structure.memberships.get().user, "submit")
    client.force_login(instructeur)
    for url in (reverse("home"), reverse("aides:queue"), draft.get_absolute_url()):
        assert client.get(url).status_code == 200, url
