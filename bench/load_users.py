"""The simulated users of the load benchmark (``bench/load.py``): plain asyncio and httpx,
no Django, so that the load generator stays light next to the server it measures.

Each user is a ``Browser`` (its own cookies, the real login form with its CSRF token) that
repeats its scenario until the deadline, with a think time between requests:
- ``director``: their dossiers list (``/aides/mes-dossiers/``), then one of them;
- ``instructor``: the instruction queue with one to three filters taken from the form's own
  options, then one or two dossiers of the result;
- ``api``: a partner tool syncing the structures with ``/api/v1/structures/`` cursor pages,
  following ``next`` to the end, then starting again.
Every request is timed and recorded under its name; anything but the expected status (or a
network error) is an error.
"""

import asyncio
import contextlib
import http.cookiejar
import random
import re
import time
from collections import defaultdict
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import httpx

DOSSIER_LINK = re.compile(r'href="(/aides/dossiers/[0-9a-f-]{36}/)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Queue filters a person uses, and how many values of each (the form offers the values).
QUEUE_FILTERS = {"state": 2, "department": 1, "kind": 1, "sort": 1}
API_PAGE_SIZE = 100


class Recorder:
    """Durations (ms) per request name; errors with their first few reasons."""

    def __init__(self):
        self.durations = defaultdict(list)
        self.errors = defaultdict(int)
        self.error_samples = []
        # From the server's ``Server-Timing`` (iae_portal.server_timing), when it gives it:
        # [requests timed, application CPU ms, database wait ms] per name.
        self.timings = defaultdict(lambda: [0, 0.0, 0.0])

    def timing(self, name, header):
        """Record a response's ``Server-Timing`` (``cpu;dur=…, db;dur=…``)."""
        parts = {}
        for part in header.split(","):
            key, _, value = part.strip().partition(";")
            if value.startswith("dur="):
                parts[key] = float(value[4:])
        if "cpu" in parts and "db" in parts:
            entry = self.timings[name]
            entry[0] += 1
            entry[1] += parts["cpu"]
            entry[2] += parts["db"]

    def record(self, name, ms, error=None):
        self.durations[name].append(ms)
        if error is not None:
            self.errors[name] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{name}: {error}")

    def figures(self, names=None):
        """``requests``, ``errors``, ``p50_ms``, ``p95_ms``, ``max_ms`` over ``names`` (all
        by default), and the same per name under ``scenarios``."""
        names = sorted(self.durations if names is None else names)
        every = [ms for name in names for ms in self.durations[name]]
        return {
            **_summary(every, sum(self.errors[name] for name in names)),
            "scenarios": {
                name: _summary(self.durations[name], self.errors[name])
                | self._timed(self.timings.get(name))
                for name in names
            },
        }

    @classmethod
    def merged(cls, recorders):
        """One recorder holding what ``recorders`` recorded (several steps of a side)."""
        merged = cls()
        for recorder in recorders:
            for name, durations in recorder.durations.items():
                merged.durations[name].extend(durations)
            for name, count in recorder.errors.items():
                merged.errors[name] += count
            merged.error_samples.extend(recorder.error_samples[: 10 - len(merged.error_samples)])
            for name, entry in recorder.timings.items():
                merged.timings[name] = [
                    a + b for a, b in zip(merged.timings[name], entry, strict=True)
                ]
        return merged

    @staticmethod
    def _timed(entry):
        """The mean application CPU and database wait of a request of a name (ms)."""
        if not entry or not entry[0]:
            return {}
        count, cpu, db = entry
        return {"app_cpu_ms": round(cpu / count, 1), "db_wait_ms": round(db / count, 1)}


def _summary(durations, errors):
    ordered = sorted(durations)
    return {
        "requests": len(ordered),
        "errors": errors,
        "p50_ms": percentile(ordered, 50),
        "p95_ms": percentile(ordered, 95),
        "max_ms": round(ordered[-1], 1) if ordered else None,
    }


def percentile(ordered, rank):
    """Nearest-rank percentile of sorted values (None when empty)."""
    if not ordered:
        return None
    index = max(0, -(-len(ordered) * rank // 100) - 1)
    return round(ordered[int(index)], 1)


class _RefuseAll(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie, request):
        return False


def new_client(base_url):
    """The HTTP client all users share (connection pool only: each ``Browser`` keeps its
    own cookies, since httpx's jar would not send the secure ones over plain HTTP)."""
    return httpx.AsyncClient(
        base_url=base_url,
        cookies=http.cookiejar.CookieJar(policy=_RefuseAll()),
        timeout=30,
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=0),
    )


class Browser:
    """One person's (or one API client's) side of the conversation.

    ``forwarded_https``: the server runs in production mode behind what would be the TLS
    proxy; the client speaks for that proxy (``X-Forwarded-Proto: https``, which the
    settings trust), so secure cookies, the SSL redirect and HTTPS CSRF checks stay on.
    """

    def __init__(self, client, recorder, *, forwarded_https=False, think=(1.0, 3.0), rng=None):
        self.client, self.recorder, self.think_range = client, recorder, think
        self.deadline = None  # time.monotonic() after which no request starts
        self.rng = rng or random.Random()
        self.cookies = {}
        self.headers = {"User-Agent": "iae-load/1"}
        scheme = "https" if forwarded_https else urlsplit(str(client.base_url)).scheme
        self.origin = f"{scheme}://{urlsplit(str(client.base_url)).netloc}"
        if forwarded_https:
            self.headers["X-Forwarded-Proto"] = "https"

    @property
    def expired(self):
        return self.deadline is not None and time.monotonic() >= self.deadline

    async def think(self):
        low, high = self.think_range
        pause = self.rng.uniform(low, high)
        if self.deadline is not None:
            pause = min(pause, self.deadline - time.monotonic())
        if pause > 0:
            await asyncio.sleep(pause)

    async def arrive(self):
        """Before a step's first request: a pause anywhere within one think time, as the
        users of a running service are each at some point of their own pace. Without it,
        every user of a step sent their first request at the same instant, a burst no
        population of users makes (50 requests at once: the step's p95 was that burst's)."""
        pause = self.rng.uniform(0, self.think_range[1])
        if self.deadline is not None:
            pause = min(pause, self.deadline - time.monotonic())
        if pause > 0:
            await asyncio.sleep(pause)

    async def request(self, name, method, url, *, expect=200, **kwargs):
        """The response, or None after recording an error (or, past the deadline, without
        sending anything)."""
        if self.expired:
            return None
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        try:
            response = await self.client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            self.recorder.record(name, (time.perf_counter() - start) * 1000, repr(error))
            return None
        ms = (time.perf_counter() - start) * 1000
        for header in response.headers.get_list("set-cookie"):
            for morsel in SimpleCookie(header).values():
                self.cookies[morsel.key] = morsel.value
        if response.status_code != expect:
            self.recorder.record(name, ms, f"{method} {url} → {response.status_code}")
            return None
        self.recorder.record(name, ms)
        timing = response.headers.get("server-timing")
        if timing:
            self.recorder.timing(name, timing)
        return response

    async def login(self, email, password):
        """The login form, then its POST with the CSRF token: True when logged in."""
        page = await self.request("login_form", "GET", "/connexion/")
        token = page and CSRF_FIELD.search(page.text)
        if token is None:
            return False
        form = {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password}
        done = await self.request(
            "login",
            "POST",
            "/connexion/",
            expect=302,
            data=form,
            headers={"Origin": self.origin, "Referer": f"{self.origin}/connexion/"},
        )
        return done is not None and "/connexion/" not in done.headers.get("location", "")


class _Options(HTMLParser):
    """The values offered by each ``<select>`` and each list of boxes to tick of a page
    (empty values left out)."""

    def __init__(self):
        super().__init__()
        self.options, self._select = defaultdict(list), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and attrs.get("value"):
            self.options[self._select].append(attrs["value"])
        elif tag == "input" and attrs.get("type") == "checkbox" and attrs.get("value"):
            self.options[attrs.get("name")].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def select_options(html):
    parser = _Options()
    parser.feed(html)
    return dict(parser.options)


async def director(browser, state):
    """Their dossiers, then one of them."""
    page = await browser.request("director_list", "GET", "/aides/mes-dossiers/")
    links = DOSSIER_LINK.findall(page.text) if page else []
    await browser.think()
    if links:
        await browser.request("director_dossier", "GET", browser.rng.choice(links))
        await browser.think()


async def instructor(browser, state):
    """The queue filtered on one to three criteria, then one or two dossiers of it."""
    rng = browser.rng
    if "options" not in state:
        page = await browser.request("instructor_queue", "GET", "/aides/instruction/")
        state["options"] = {
            name: values
            for name, values in (select_options(page.text) if page else {}).items()
            if name in QUEUE_FILTERS
        }
        await browser.think()
    options = state["options"]
    query = []
    for name in rng.sample(sorted(options), k=min(len(options), rng.randint(1, 3))):
        values = options[name]
        query += [
            (name, value)
            for value in rng.sample(values, k=min(len(values), rng.randint(1, QUEUE_FILTERS[name])))
        ]
    page = await browser.request(
        "instructor_queue", "GET", f"/aides/instruction/?{urlencode(query)}"
    )
    await browser.think()
    links = DOSSIER_LINK.findall(page.text) if page else []
    for link in rng.sample(links, k=min(len(links), rng.randint(1, 2))):
        await browser.request("instructor_dossier", "GET", link)
        await browser.think()


async def api_client(browser, state):
    """One cursor page of the structures; the next one on the next call, from the start
    again after the last page."""
    url = state.get("next") or f"/api/v1/structures/?page_size={API_PAGE_SIZE}"
    page = await browser.request(
        "api_structures", "GET", url, headers={"Authorization": f"Bearer {state['token']}"}
    )
    state["next"] = None
    if page is not None:
        following = page.json().get("next")
        if following:  # absolute, as the server sees itself: keep its path and query
            parts = urlsplit(following)
            state["next"] = f"{parts.path}?{parts.query}"
    await browser.think()


SCENARIOS = {"director": director, "instructor": instructor, "api": api_client}
SHARES = {"director": 0.5, "instructor": 0.3, "api": 0.2}


def interleaved(users):
    """``users`` (``[(kind, …)]``) reordered so that each of its first ``n`` follows the
    mix's shares as closely as ``n`` allows: a step load takes the first ``n``."""
    by_kind = defaultdict(list)
    for user in users:
        by_kind[user[0]].append(user)
    total = len(users)
    shares = {kind: len(found) / total for kind, found in by_kind.items()}
    taken = dict.fromkeys(by_kind, 0)
    ordered = []
    for position in range(1, total + 1):
        kind = max(
            (k for k in by_kind if taken[k] < len(by_kind[k])),
            key=lambda k: (shares[k] * position - taken[k], shares[k]),
        )
        ordered.append(by_kind[kind][taken[kind]])
        taken[kind] += 1
    return ordered


def user_mix(total, api_available):
    """``{kind: count}`` by ``SHARES``; without the API its share goes to the directors."""
    counts = {kind: round(total * share) for kind, share in SHARES.items()}
    if not api_available:
        counts["director"] += counts.pop("api")
    counts["director"] += total - sum(counts.values())
    return counts


async def run_user(browser, kind, *, deadline, login=None, token=None, rounds=None):
    """Log in (people) then repeat the scenario of ``kind`` until ``deadline`` (a
    ``time.monotonic()`` value), or ``rounds`` times whatever the time (``deadline`` None).
    Returns the number of scenario rounds."""
    if login is not None and not await browser.login(*login):
        return 0
    state = {"token": token}
    done = 0
    browser.deadline = deadline
    await browser.arrive()
    while (done < rounds) if rounds is not None else not browser.expired:
        await SCENARIOS[kind](browser, state)
        done += 1
    return done


def _browsers(client, recorder, users, think, forwarded_https, seed):
    """A browser a user on ``client``, each with a generator of its own drawn from
    ``seed`` (the same seed, the same behaviour)."""
    rng = random.Random(seed)
    return [
        Browser(client, recorder, forwarded_https=forwarded_https, think=think,
                rng=random.Random(rng.random()))
        for _ in users
    ]  # fmt: skip


async def _log_in(browsers, users, recorder, concurrency):
    """Logs in the users who have a login (``concurrency`` at a time), or raises."""
    # Logins come a few at a time, as people arrive: hashing a password costs about a
    # second of CPU (PBKDF2), so fifty at once would only measure the queue.
    arriving = asyncio.Semaphore(concurrency)

    async def arrive(browser, login):
        async with arriving:
            return await browser.login(*login)

    ready = await asyncio.gather(
        *(
            arrive(browser, login)
            for browser, (_, login, _) in zip(browsers, users, strict=True)
            if login
        )
    )
    if not all(ready):
        raise RuntimeError(f"Connexion refusée : {recorder.error_samples or 'formulaire'}")


async def run_load(
    base_url,
    users,
    *,
    duration,
    think,
    forwarded_https,
    rounds=None,
    login_concurrency=2,
    meter=None,
    seed=2026,
    steps=None,
    new_meter=None,
):
    """Every user logs in (``login_concurrency`` at a time; the ``login`` figures, apart),
    then all run for ``duration`` seconds (or each its scenario ``rounds`` times, however long
    that takes: ``duration`` None). ``users`` is ``[(kind, login or None, token or
    None)]``; ``meter`` (``start()``, ``stop()`` giving a dict) measures the run only.
    Returns the ``Recorder`` of the logins and that of the run, and the run's figures: its
    wall time, the client's CPU share and the meter's."""
    logins, run = Recorder(), Recorder()
    async with new_client(base_url) as client:
        browsers = _browsers(client, logins, users, think, forwarded_https, seed)
        await _log_in(browsers, users, logins, login_concurrency)
        if steps is None:
            run, measured = await _run_step(browsers, users, duration, rounds, meter)
            return logins, run, measured
        # A step load: the first ``n`` users (the mix's order), then more, each step on a
        # recorder and a meter of its own.
        done = []
        for count in steps:
            step_meter = new_meter() if new_meter is not None else None
            run, measured = await _run_step(
                browsers[:count], users[:count], duration, rounds, step_meter
            )
            done.append((count, run, measured))
        return logins, done


async def run_alternating(
    base_urls, users, *, duration, think, forwarded_https, rounds, new_meter,
    login_concurrency=2, seed=2026, warmup=30, scenario_rounds=None,
):  # fmt: skip
    """The same users on each server of ``base_urls`` in turn, ``duration`` seconds each
    time, for ``rounds`` rounds whose order alternates (A B, B A, B A, A B…): each server's
    steps are spread over the same minutes, so that a machine whose speed drifts weighs on
    both alike. Each user is logged in on every server first (their browsers behave alike:
    the same seeds), then runs ``warmup`` seconds on each, not counted. ``new_meter(index)``
    measures a step of server ``index``; ``scenario_rounds``: each step runs each user's
    scenario so many times instead (the tests'). Returns, per server, its ``[(run,
    measured)]``."""
    logins = Recorder()
    async with contextlib.AsyncExitStack() as stack:
        sides = []
        for base_url in base_urls:
            client = await stack.enter_async_context(new_client(base_url))
            sides.append(_browsers(client, logins, users, think, forwarded_https, seed))
        for browsers in sides:
            await _log_in(browsers, users, logins, login_concurrency)
        for browsers in sides:  # each worker's first requests (compilations), not counted
            await _run_step(browsers, users, warmup, None, None)
        done = [[] for _ in base_urls]
        for round_ in range(rounds):
            # Thue–Morse: A B, B A, B A, A B…: each side's steps have the same mean and
            # spread in time (a drift that is not a straight line weighs on both alike).
            flipped = bin(round_).count("1") % 2
            order = reversed(range(len(sides))) if flipped else range(len(sides))
            for index in order:
                done[index].append(
                    await _run_step(
                        sides[index], users, duration, scenario_rounds, new_meter(index)
                    )
                )
        return done


async def _run_step(browsers, users, duration, rounds, meter):
    """Run ``browsers`` (logged in) for ``duration`` seconds (or ``rounds`` rounds each):
    their ``Recorder`` and the step's figures (wall time, client's CPU, the meter's)."""
    run = Recorder()
    for browser in browsers:
        browser.recorder = run
    if meter is not None:
        meter.start()
    cpu, start = time.process_time(), time.monotonic()
    deadline = start + duration if duration is not None else None
    await asyncio.gather(
        *(
            run_user(browser, kind, deadline=deadline, token=token, rounds=rounds)
            for browser, (kind, _, token) in zip(browsers, users, strict=True)
        )
    )
    wall = time.monotonic() - start
    client_cpu = (time.process_time() - cpu) / wall
    measured = meter.stop() if meter is not None else {}
    return run, {"wall_s": round(wall, 1), "client_cpu_cores": round(client_cpu, 3), **measured}
