"""The server under load: gunicorn in production mode on loopback, and CPU readings.

Production settings as a deployment has them (``DJANGO_DEBUG=0``: secure cookies, HSTS,
SSL redirect, WhiteNoise with its manifest; Redis as the shared cache when it answers), TLS
being ended by a proxy in front, which the load client stands for (``X-Forwarded-Proto:
https``): nothing in the settings is relaxed.
"""

import contextlib
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "load"


# The cache a deployment shares between its web processes (docker-compose.yml: Redis),
# which keeps the API's throttling counters and, with it, the sessions (cached_db).
LOAD_CACHE_URL = os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/1")


def shared_cache():
    """``{"DJANGO_CACHE_URL": …}`` when that Redis answers; else nothing (each process
    then keeps its own cache and the sessions stay in the database only)."""
    address = urlsplit(LOAD_CACHE_URL)
    try:
        socket.create_connection((address.hostname, address.port or 6379), timeout=1).close()
    except OSError:
        return {}
    return {"DJANGO_CACHE_URL": LOAD_CACHE_URL}


def production_env(database_url, static_root=None):
    return {
        **os.environ,
        **shared_cache(),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "DJANGO_STATIC_ROOT": str(static_root or VAR / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        # What each request cost the application, per scenario (iae_portal.server_timing).
        "IAE_SERVER_TIMING": "1",
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url, *, workers, port, nice=0, root=ROOT):
    """``collectstatic`` (the manifest WhiteNoise needs), then gunicorn's sync workers;
    yields the process, stopped on the way out. Its errors go to ``var/load/gunicorn.log``.
    ``root``: the source tree it serves (another checkout of the project, to compare: its
    static files and its log then go to names of their own, ``…-<hash of its path>``).

    The server runs in a session of its own, hence (Linux autogroups) a scheduling group of
    its own, which Linux shares the CPU with as with each other session on the machine;
    ``nice`` below 0 (root) puts that group before the others, as on a server of its own."""
    VAR.mkdir(parents=True, exist_ok=True)
    root = Path(root).resolve()
    # Another tree: static files and log of its own, under a name of its path.
    other = "" if root == ROOT else "-" + hashlib.sha256(str(root).encode()).hexdigest()[:8]
    env = production_env(database_url, VAR / f"static{other}" if other else None)
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=root,
        env=env,
        check=True,
    )
    log = VAR / f"gunicorn{other}.log"
    command = [
        str(Path(python).with_name("gunicorn")),
        "iae_portal.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--timeout=60",
        f"--error-logfile={log}",
        "--no-control-socket",  # one per user by default: two servers would share it
    ]
    process = subprocess.Popen(command, cwd=root, env=env, start_new_session=True)
    try:
        if nice:  # before the workers are forked: they inherit the group
            Path(f"/proc/{process.pid}/autogroup").write_text(str(nice))
        _wait_ready(port, process)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(port, process, timeout=120):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/connexion/", headers={"X-Forwarded-Proto": "https"}
    )
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn s'est arrêté (voir {VAR / 'gunicorn.log'}).")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.status == 200:
                    return
        except OSError:  # refused while booting (URLError), or slow to answer
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn ne répond pas.")


def _ticks(pid):
    """User + system CPU clock ticks of one process (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def _children(pid):
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for task in tasks for c in (task / "children").read_text().split()]
    except OSError:
        return []


def _backends(database):
    """PostgreSQL's processes serving ``database``: their title is ``postgres: [cluster:]
    user database host(port) state``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            words = title.split()
            if words[:1] == ["postgres:"] and database in words[1:4] and "(" in title:
                pids.append(int(entry.name))
    return pids


def _machine_busy():
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # all but idle and iowait


class CpuMeter:
    """CPU used, in cores, between ``start()`` and ``stop()``: by gunicorn (master and
    workers), by the PostgreSQL backends serving the database, and by the whole machine
    (other work included). Sampled twice a second, so that backends coming and going
    (connections are renewed every minute) are counted. Linux ``/proc`` only."""

    HZ = os.sysconf("SC_CLK_TCK")

    def __init__(self, server_pid, database):
        self.server_pid, self.database = server_pid, database
        self.first, self.last = {}, {}
        self._stop = threading.Event()

    def _sample(self, initial=False):
        groups = {
            "server": [self.server_pid, *_children(self.server_pid)],
            "database": _backends(self.database),
        }
        for group, pids in groups.items():
            for pid in pids:
                ticks = _ticks(pid)
                if ticks is not None:
                    # Present at the start: from then on; born later: all of its life.
                    self.first.setdefault((group, pid), ticks if initial else 0)
                    self.last[group, pid] = ticks

    def _run(self):
        while not self._stop.wait(0.5):
            self._sample()

    def start(self):
        self._sample(initial=True)
        self._machine, self._t0 = _machine_busy(), time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()
        self._sample()
        seconds = time.monotonic() - self._t0

        def cores(ticks):
            return round(ticks / self.HZ / seconds, 2)

        used = {"server": 0, "database": 0}
        for (group, pid), ticks in self.last.items():
            used[group] += ticks - self.first[group, pid]
        return {
            "server_cpu_cores": cores(used["server"]),
            "database_cpu_cores": cores(used["database"]),
            "machine_busy_cores": cores(_machine_busy() - self._machine),
        }
