"""The load benchmark's pieces (``bench/load_*.py``) on a small demo region: the seeding and
its accounts, each simulated user's scenario against the live server (with production's
transport settings), and the whole run for two rounds of each scenario with no think time
(rounds, not seconds: a loaded machine runs fewer requests in a second). The 60-second run
itself is ``make bench-load``; nothing here measures time."""

import asyncio
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

from aides.enums import DossierState as S
from aides.models import Dossier
from iae_portal.api.models import ApiClient
from iae_portal.users.enums import Role
from iae_portal.users.models import User
from structures.models import Structure

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import load_seed
import load_server
import load_users

STRUCTURES, DOSSIERS = 40, 120


class _OneRequestAtATime(WSGIServer):
    """The live server, serving its requests in its own thread, one at a time."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # the thread's connections are the test's already


# On SQLite the test database lives in memory and Django hands its one connection to the
# live server's threads: two requests at once would use it together, which SQLite refuses
# at random ("bad parameter or other API misuse", a 500). There the server takes one
# request at a time; the users still run concurrently, and nothing here measures time.
# (The live server is the session's: set at import, before any test starts it; the browser
# journeys, tests/e2e, run in a session of their own.)
if connection.vendor == "sqlite":
    LiveServerThread.server_class = _OneRequestAtATime


@pytest.fixture
def region(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo's PDFs
    seeded = load_seed.seed_region(structures=STRUCTURES, dossiers=DOSSIERS)
    return seeded, load_seed.accounts(directors=2, instructors=1, api_clients=1)


@pytest.fixture
def production_transport(settings):
    """What ``DJANGO_DEBUG=0`` turns on, with TLS ended by a proxy the client speaks for."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.CSRF_COOKIE_HTTPONLY = True


def run(coroutine):
    return asyncio.run(coroutine)


async def rounds(base_url, kind, login, token, count, recorder):
    """``count`` rounds of one user's scenario, no think time; True when logged in."""
    async with load_users.new_client(base_url) as client:
        browser = load_users.Browser(
            client, recorder, forwarded_https=True, think=(0, 0), rng=random.Random(7)
        )
        if login and not await browser.login(*login):
            return False
        state = {"token": token}
        for _ in range(count):
            await load_users.SCENARIOS[kind](browser, state)
        return True


# -- Seeding and accounts ------------------------------------------------------------------


@pytest.mark.django_db
def test_region_has_the_asked_dossiers_at_every_stage_and_is_reused(region):
    seeded, _ = region
    assert (seeded["seeded"], seeded["structures"], seeded["dossiers"]) == (
        True,
        STRUCTURES,
        DOSSIERS,
    )
    assert Structure.objects.count() == STRUCTURES and Dossier.objects.count() == DOSSIERS
    states = set(Dossier.objects.values_list("state", flat=True))
    assert len(states) >= 10 and {S.BROUILLON, S.DEPOSE, S.SOLDE} <= states
    # More than one dossier per structure, never twice to the same call.
    assert Dossier.objects.values("structure").distinct().count() < DOSSIERS
    pairs = list(Dossier.objects.values_list("structure_id", "campaign_id"))
    assert len(pairs) == len(set(pairs))
    again = load_seed.seed_region(structures=STRUCTURES, dossiers=DOSSIERS)
    assert again == {"seeded": False, "structures": STRUCTURES, "dossiers": DOSSIERS, "seed_s": 0}


@pytest.mark.django_db
def test_accounts_log_in_and_api_tokens_are_renewed(region):
    _, logins = region
    password = logins["password"]
    for email in logins["directors"]:
        user = authenticate(username=email, password=password)
        assert user is not None and user.role == Role.SIAE
        assert Dossier.objects.visible_to(user).count() >= 2  # a list to browse
    (email,) = logins["instructors"]
    instructor = authenticate(username=email, password=password)
    assert instructor.role == Role.INSTRUCTEUR and instructor.region_id == "44"
    (token,) = logins["api_tokens"]
    again = load_seed.accounts(directors=2, instructors=1, api_clients=1)
    assert again["directors"] == logins["directors"] and again["api_tokens"] != [token]
    assert User.objects.filter(email=email).count() == 1
    clients = ApiClient.objects.filter(name=load_seed.API_CLIENT_NAME.format(1))
    assert clients.count() == 2 and clients.filter(revoked_at__isnull=True).count() == 1


# -- Scenarios against the live server -----------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scenarios_browse_with_no_error(region, live_server, production_transport, monkeypatch):
    _, logins = region
    monkeypatch.setattr(load_users, "API_PAGE_SIZE", 15)  # three pages of the 40 structures
    recorder = load_users.Recorder()
    password = logins["password"]
    director = (logins["directors"][0], password)
    instructor = (logins["instructors"][0], password)
    assert run(rounds(live_server.url, "director", director, None, 2, recorder))
    assert run(rounds(live_server.url, "instructor", instructor, None, 3, recorder))
    assert run(rounds(live_server.url, "api", None, logins["api_tokens"][0], 4, recorder))
    assert recorder.error_samples == []
    counts = {name: len(durations) for name, durations in recorder.durations.items()}
    assert counts["login"] == 2 and counts["director_list"] == 2
    assert counts["director_dossier"] == 2  # each list had a dossier to open
    assert counts["instructor_queue"] == 4  # the form once, then filtered three times
    assert counts["instructor_dossier"] >= 1  # (filters drawn with a fixed seed)
    assert counts["api_structures"] == 4  # three pages, then the first again
    figures = recorder.figures()
    assert figures["requests"] == sum(counts.values()) and figures["errors"] == 0
    assert set(figures["scenarios"]) == set(counts)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_login_is_an_error(region, live_server):
    recorder = load_users.Recorder()
    email = region[1]["directors"][0]
    assert not run(
        rounds(live_server.url, "director", (email, "wrong-password"), None, 1, recorder)
    )
    assert recorder.errors == {"login": 1}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_run_load_for_two_rounds(region, live_server, monkeypatch):
    _, logins = region
    password = logins["password"]
    users = [
        ("director", (logins["directors"][0], password), None),
        ("instructor", (logins["instructors"][0], password), None),
        ("api", None, logins["api_tokens"][0]),
    ]
    recorders, make = [], load_users.Recorder  # the logins' recorder, then the run's
    logins_at_start = []

    def recorder():
        recorders.append(make())
        return recorders[-1]

    class Meter:  # measures the run only: started once every user is logged in
        def start(self):
            logins_at_start.append(len(recorders[0].durations["login"]))

        def stop(self):
            return {"server_cpu_cores": 0.5}

    monkeypatch.setattr(load_users, "Recorder", recorder)
    login, run_recorder, measured = run(
        load_users.run_load(
            live_server.url,
            users,
            duration=None,
            rounds=2,
            think=(0, 0),
            forwarded_https=False,
            login_concurrency=1,
            meter=Meter(),
        )
    )
    assert login.figures(["login"])["requests"] == 2 and login.error_samples == []
    assert logins_at_start == [2]
    figures = run_recorder.figures()
    assert figures["errors"] == 0, run_recorder.error_samples
    assert figures["requests"] > 3
    assert figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert {"director_list", "instructor_queue", "api_structures"} <= set(figures["scenarios"])
    assert measured["server_cpu_cores"] == 0.5 and measured["client_cpu_cores"] >= 0


def test_cpu_meter_counts_the_process_it_watches():
    meter = load_server.CpuMeter(os.getpid(), "no-such-database")
    meter.start()
    start = time.process_time()
    while time.process_time() - start < 0.2:  # busy: at least 0.2 s of CPU to count
        pass
    used = meter.stop()
    assert used["server_cpu_cores"] > 0 and used["database_cpu_cores"] == 0
    assert used["machine_busy_cores"] > 0


# -- Pure pieces ---------------------------------------------------------------------------


def test_percentile_is_the_nearest_rank():
    values = sorted(float(x) for x in range(1, 101))
    assert load_users.percentile(values, 50) == 50 and load_users.percentile(values, 95) == 95
    assert load_users.percentile([7.0], 95) == 7 and load_users.percentile([], 50) is None


def test_recorder_counts_errors_per_name():
    recorder = load_users.Recorder()
    for ms in (10, 20, 30):
        recorder.record("a", ms)
    recorder.record("b", 40, error="GET / → 500")
    figures = recorder.figures()
    assert (figures["requests"], figures["errors"], figures["max_ms"]) == (4, 1, 40)
    assert figures["scenarios"]["a"] == {
        "requests": 3, "errors": 0, "p50_ms": 20, "p95_ms": 30, "max_ms": 30
    }  # fmt: skip
    assert recorder.error_samples == ["b: GET / → 500"]
    assert recorder.figures(["a"])["errors"] == 0


def test_select_options_reads_each_select_of_a_form():
    html = """<select name="state" multiple><option value="depose">Déposé</option>
    <option value="instruit" selected>Instruit</option></select>
    <select name="sort"><option value="">—</option><option value="reference">Réf.</option>
    </select><input name="q">"""
    assert load_users.select_options(html) == {
        "state": ["depose", "instruit"],
        "sort": ["reference"],
    }
    boxes = """<input type="checkbox" name="kind" value="ACI"><input type="checkbox"
    name="kind" value="EI" checked><input type="checkbox" name="closed">"""
    assert load_users.select_options(boxes) == {"kind": ["ACI", "EI"]}


def test_user_mix_gives_the_api_share_to_directors_without_the_api():
    assert load_users.user_mix(50, api_available=True) == {
        "director": 25,
        "instructor": 15,
        "api": 10,
    }
    assert load_users.user_mix(50, api_available=False) == {"director": 35, "instructor": 15}
    assert sum(load_users.user_mix(7, api_available=True).values()) == 7


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_step_load_runs_the_first_users_of_each_step(region, live_server):
    _, logins = region
    password = logins["password"]
    users = load_users.interleaved(
        [
            ("director", (logins["directors"][0], password), None),
            ("director", (logins["directors"][1], password), None),
            ("api", None, logins["api_tokens"][0]),
        ]
    )
    meters = []

    class Meter:
        def start(self):
            meters.append("start")

        def stop(self):
            meters.append("stop")
            return {"server_cpu_cores": 0.2, "database_cpu_cores": 0.1, "machine_busy_cores": 1}

    login, done = run(
        load_users.run_load(
            live_server.url,
            users,
            duration=None,
            rounds=1,
            think=(0, 0),
            forwarded_https=False,
            login_concurrency=1,
            steps=[1, 3],
            new_meter=Meter,
        )
    )
    assert login.figures(["login"])["requests"] == 2 and meters == ["start", "stop"] * 2
    (one, first), (three, second) = ((n, recorder) for n, recorder, _ in done)
    assert (one, three) == (1, 3)
    assert "director_list" in first.durations
    assert "api_structures" not in first.durations and "api_structures" in second.durations


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_comparison_runs_the_same_users_on_each_server_in_turn(region, live_server, monkeypatch):
    """``run_alternating`` (``load.py --compare-with``): every user logged in on each
    server, then each server's steps in an order that alternates, each measured alone."""
    _, logins = region
    password = logins["password"]
    users = [
        ("director", (logins["directors"][0], password), None),
        ("api", None, logins["api_tokens"][0]),
    ]
    # The same server under two names: each side's requests must go to its own.
    urls = [live_server.url, live_server.url.replace("localhost", "127.0.0.1")]
    assert urls[0] != urls[1]
    measured_sides, requested = [], []
    new_client = load_users.new_client

    def client(base_url):
        async def note(request):
            if measured_sides:
                requested.append((measured_sides[-1], str(request.url)))

        found = new_client(base_url)
        found.event_hooks["request"].append(note)
        return found

    monkeypatch.setattr(load_users, "new_client", client)

    class Meter:
        def __init__(self, index):
            self.index = index

        def start(self):
            measured_sides.append(self.index)

        def stop(self):
            return {"server_cpu_cores": 0.1 * (self.index + 1), "database_cpu_cores": 0.05,
                    "machine_busy_cores": 1}  # fmt: skip

    done = run(
        load_users.run_alternating(
            urls,
            users,
            duration=None,
            think=(0, 0),
            forwarded_https=False,
            rounds=4,
            new_meter=Meter,
            login_concurrency=1,
            warmup=0,
            scenario_rounds=1,
        )
    )
    assert measured_sides == [0, 1, 1, 0, 1, 0, 0, 1]
    assert {side for side, _ in requested} == {0, 1}
    assert all(url.startswith(urls[side]) for side, url in requested)
    assert [len(side) for side in done] == [4, 4]
    for side, cores in zip(done, (0.1, 0.2), strict=True):
        for recorder, measured in side:
            assert recorder.figures()["errors"] == 0, recorder.error_samples
            assert {"director_list", "api_structures"} <= set(recorder.durations)
            assert measured["server_cpu_cores"] == cores


def test_a_sides_figures_merge_its_steps():
    import load

    def step(requests, wall, cores):
        recorder = load_users.Recorder()
        for _ in range(requests):
            recorder.record("queue", 100)
            recorder.timing("queue", "cpu;dur=10, db;dur=2")
        measured = {"wall_s": wall, "server_cpu_cores": cores, "database_cpu_cores": 0.02,
                    "machine_busy_cores": 1.0, "client_cpu_cores": 0.01}  # fmt: skip
        return recorder, measured

    figures = load.merged_figures(5, [step(10, 1.0, 0.1), step(30, 3.0, 0.2)])
    assert figures["requests"] == 40 and figures["wall_s"] == 4.0
    # Cores weighted by each step's time: (0.1 × 1 + 0.2 × 3) / 4.
    assert figures["server_cpu_cores"] == 0.175
    # 0.02 cores × 4 s = 80 ms of database CPU over 40 requests, on top of 10 ms each.
    assert figures["scenarios"]["queue"]["server_cpu_ms"] == 12.0


def test_interleaved_keeps_the_mix_in_every_prefix():
    users = [("director", i) for i in range(5)] + [("instructor", i) for i in range(3)]
    users += [("api", i) for i in range(2)]
    ordered = load_users.interleaved(users)
    assert sorted(ordered) == sorted(users)
    assert [kind for kind, _ in ordered[:2]] == ["director", "instructor"]
    for n in range(1, 11):
        kinds = [kind for kind, _ in ordered[:n]]
        assert abs(kinds.count("director") - n * 0.5) < 1
        assert abs(kinds.count("instructor") - n * 0.3) < 1


def test_recorder_reads_the_server_timing():
    recorder = load_users.Recorder()
    recorder.record("a", 10)
    recorder.timing("a", "app;dur=12.0, cpu;dur=8.0, db;dur=3.5, q;desc=4")
    recorder.record("a", 30)
    recorder.timing("a", "app;dur=20.0, cpu;dur=4.0, db;dur=0.5, q;desc=1")
    recorder.timing("a", "app;dur=1.0")  # no cpu: not counted
    assert recorder.figures()["scenarios"]["a"] == {
        "requests": 2, "errors": 0, "p50_ms": 10, "p95_ms": 30, "max_ms": 30,
        "app_cpu_ms": 6.0, "db_wait_ms": 2.0,
    }  # fmt: skip


def test_step_figures_share_the_database_out_and_find_the_knee():
    import load

    run_ = load_users.Recorder()
    for _ in range(10):
        run_.record("queue", 100)
        run_.timing("queue", "cpu;dur=10, db;dur=3")
        run_.record("dossier", 50)
        run_.timing("dossier", "cpu;dur=5, db;dur=1")
    measured = {"wall_s": 2.0, "server_cpu_cores": 0.1, "database_cpu_cores": 0.04,
                "machine_busy_cores": 0.5, "client_cpu_cores": 0.01}  # fmt: skip
    step = load.step_figures(20, run_, measured)
    # 80 ms of database CPU in all, waited on 30 ms for the queue, 10 for the dossiers.
    assert step["scenarios"]["queue"]["server_cpu_ms"] == 10 + 80 * 30 / 40 / 10
    assert step["scenarios"]["dossier"]["server_cpu_ms"] == 5 + 80 * 10 / 40 / 10
    assert (step["requests_per_s"], step["server_cpu_ms_per_request"]) == (10.0, 14.0)
    steps = [
        {"users": 10, "requests_per_s": 8.0, "p95_ms": 120, "errors": 0},
        {"users": 25, "requests_per_s": 19.5, "p95_ms": 300, "errors": 0},
        {"users": 50, "requests_per_s": 30.0, "p95_ms": 700, "errors": 0},
        {"users": 100, "requests_per_s": 35.0, "p95_ms": 400, "errors": 3},
    ]
    assert load.capacity(steps) == (19.5, 25)
    assert load.capacity(steps[2:]) == (None, None)


def test_a_user_arrives_within_one_think_time(monkeypatch):
    """A step's users do not all send their first request at the same instant."""
    pauses = []

    async def sleep(seconds):
        pauses.append(seconds)

    monkeypatch.setattr(load_users.asyncio, "sleep", sleep)
    client = SimpleNamespace(base_url="http://127.0.0.1:8000")
    browsers = [
        load_users.Browser(client, None, think=(1.0, 3.0), rng=random.Random(seed))
        for seed in range(20)
    ]
    for browser in browsers:
        browser.deadline = None
        asyncio.run(browser.arrive())
    assert len(pauses) == 20
    assert all(0 <= pause <= 3.0 for pause in pauses)
    assert max(pauses) - min(pauses) > 1.0  # spread, not one burst
    still = load_users.Browser(client, None, think=(0, 0), rng=random.Random(1))
    still.deadline = None
    asyncio.run(still.arrive())
    assert len(pauses) == 20  # no think time: no pause either
