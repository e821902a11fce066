"""Load benchmark: simulated users against gunicorn and PostgreSQL on loopback.

Run: ``make bench-load`` (a step load of 10, 25, 50, 100 and 150 users, 30 s each, in the
database ``iae_load``). Seeds the demo region at 5,000 structures and 20,000 dossiers (once:
reused afterwards, see ``load_seed``), sets the accounts, starts gunicorn in production mode
(``load_server``), logs every user in through the login form, then runs the users
(``load_users``), the first 10 for a step, then the first 25…: half directors browsing their
dossiers, 30 % instructeurs filtering the queue and opening dossiers, 20 % partner tools
syncing the structures through the REST API (each step keeps these shares).

Prints, per step, requests/s, p50, p95 and the server's CPU per request (gunicorn and its
PostgreSQL backends, whatever else the machine does), then one JSON line. Keys: ``steps``
(the same per step, with ``scenarios``: per request name, its p50/p95 and ``server_cpu_ms``,
the application's CPU measured by the server itself (``Server-Timing``) plus the database's
CPU shared out by each name's time waiting for it), ``capacity_rps`` = the highest
requests/s of a step with p95 ≤ 500 ms and no error (target ≥ 60 on 2 cores), and
``knee_users``, that step's users. ``--users N`` runs one step of N users.

``--compare-with TREE`` compares this checkout with another one (a ``git worktree`` of the
code before a change, say, sharing this ``.venv``): both served at once, the same users
(``--users``, the largest step by default) on each in turn, ``--duration`` seconds each time,
``--rounds`` rounds whose order alternates (A B, B A, B A, A B…), after 30 s on each not
counted, so that a machine whose speed drifts weighs on both alike. Prints per request name each tree's p50, p95 and ``server_cpu_ms`` and their
ratio (this checkout's over the other's), then one JSON line (``bench: load_compare``).
"""

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iae_load")

from _setup import django_setup, emit, machine
from load_server import ROOT, CpuMeter, free_port, gunicorn, shared_cache
from load_users import Recorder, interleaved, run_alternating, run_load, user_mix

P95_TARGET_MS = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--steps", default="10,25,50,100,150", help="users of each step, comma-separated"
    )
    parser.add_argument("--users", type=int, default=None, help="one step of this many users")
    parser.add_argument("--duration", type=float, default=30, help="seconds a step")
    parser.add_argument(
        "--workers", type=int, default=2 * os.cpu_count() + 1, help="gunicorn sync workers"
    )
    parser.add_argument(
        "--think", default="1,3", help="think time between requests: MIN,MAX seconds"
    )
    parser.add_argument("--structures", type=int, default=5_000)
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="the server's scheduling group niceness; below 0 (root) it goes before other "
        "work on a shared machine, as on a server of its own",
    )
    parser.add_argument(
        "--compare-with",
        default=None,
        help="another checkout to compare this one with (a path from bench/, or absolute)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="rounds of a comparison (even: each side as often first as second)",
    )
    args = parser.parse_args()
    if args.compare_with and (args.rounds < 2 or args.rounds % 2):
        parser.error("--rounds : un nombre pair, au moins 2")
    args.think = tuple(float(x) for x in args.think.split(","))
    args.steps = [args.users] if args.users else [int(x) for x in args.steps.split(",")]
    return args


def say(message):
    print(message, file=sys.stderr, flush=True)


def step_figures(count, run, measured):
    """One step's figures: the recorder's, requests/s, the server's CPU per request, and
    per request name the server's CPU (application measured, database shared out)."""
    figures = run.figures()
    wall, requests = measured["wall_s"], figures["requests"]
    database_ms = measured["database_cpu_cores"] * wall * 1000
    waited = sum(entry[2] for entry in run.timings.values())
    for name, numbers in figures["scenarios"].items():
        if "app_cpu_ms" in numbers:
            count_timed, _, db_wait = run.timings[name]
            share = database_ms * db_wait / waited / count_timed if waited else 0
            numbers["server_cpu_ms"] = round(numbers["app_cpu_ms"] + share, 1)
    busy = measured["server_cpu_cores"] + measured["database_cpu_cores"]
    return {
        "users": count,
        "requests_per_s": round(requests / wall, 1) if wall else 0,
        **figures,
        "server_cpu_ms_per_request": round(busy * wall / requests * 1000, 1) if requests else None,
        **measured,
    }


def capacity(steps):
    """``(requests/s, users)`` of the busiest step with p95 ≤ the target and no error."""
    fit = [
        s
        for s in steps
        if s["errors"] == 0 and s["p95_ms"] is not None and s["p95_ms"] <= P95_TARGET_MS
    ]
    if not fit:
        return None, None
    best = max(fit, key=lambda s: s["requests_per_s"])
    return best["requests_per_s"], best["users"]


def main():
    args = parse_args()
    django_setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    import load_seed
    from django.db import connection

    total = max(args.steps)
    say(f"Données : {args.structures} structures, {args.dossiers} dossiers…")
    seeded = load_seed.seed_region(structures=args.structures, dossiers=args.dossiers)
    # What a deployment's worker does after an import (none runs here): the API's structures
    # stored (structures.api.stored), as their pages then read them.
    from structures.api import stored

    stored.refresh()
    wanted = user_mix(total, api_available=True)
    logins = load_seed.accounts(
        directors=total,  # enough when the API's share goes to directors
        instructors=wanted["instructor"],
        api_clients=wanted["api"],
    )
    mix = user_mix(total, api_available=bool(logins["api_tokens"]))
    password = logins["password"]
    users = interleaved([
        *[("director", (email, password), None) for email in logins["directors"][: mix["director"]]],
        *[("instructor", (email, password), None) for email in logins["instructors"][: mix["instructor"]]],
        *[("api", None, token) for token in logins["api_tokens"][: mix.get("api", 0)]],
    ])  # fmt: skip
    connection.close()  # the server's workers need the database, not this process
    if args.compare_with:
        compare(args, users[: max(args.steps)], connection.settings_dict["NAME"])
        return
    port = args.port or free_port()
    with gunicorn(
        os.environ["DATABASE_URL"], workers=args.workers, port=port, nice=args.nice
    ) as server:
        say(
            f"gunicorn prêt ({args.workers} workers) ; paliers de {args.steps} utilisateurs, "
            f"{args.duration:g} s chacun…"
        )
        database = connection.settings_dict["NAME"]
        login, done = asyncio.run(
            run_load(
                f"http://127.0.0.1:{port}",
                users,
                duration=args.duration,
                think=args.think,
                forwarded_https=True,
                login_concurrency=os.cpu_count() or 2,
                steps=args.steps,
                new_meter=lambda: CpuMeter(server.pid, database),
            )
        )
    steps = [step_figures(count, run, measured) for count, run, measured in done]
    capacity_rps, knee_users = capacity(steps)
    login_figures = login.figures(["login"])
    login_figures.pop("scenarios")
    figures = {
        "capacity_rps": capacity_rps,
        "knee_users": knee_users,
        "steps": steps,
        "errors": sum(s["errors"] for s in steps),
        "login": login_figures,
        "step_s": args.duration,
        "think_s": list(args.think),
        "workers": args.workers,
        "nice": args.nice,
        "shared_cache": bool(shared_cache()),
        "api": bool(logins["api_tokens"]),
        "structures": seeded["structures"],
        "dossiers": seeded["dossiers"],
        "seeded_now": seeded["seeded"],
        "database": "postgresql",
        "machine": machine(),
    }
    print(
        f"{'users':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6} "
        f"{'CPU ms/req':>10} {'server':>7} {'db':>5} {'machine':>8}"
    )
    for s in steps:
        print(
            f"{s['users']:>6} {s['requests_per_s']:>7} {s['p50_ms']!s:>8} {s['p95_ms']!s:>8} "
            f"{s['errors']:>6} {s['server_cpu_ms_per_request']!s:>10} "
            f"{s['server_cpu_cores']:>7} {s['database_cpu_cores']:>5} "
            f"{s['machine_busy_cores']:>8}"
        )
    knee = next((s for s in steps if s["users"] == knee_users), steps[-1])
    print(f"capacité : {capacity_rps} req/s ({knee_users} utilisateurs) ; au palier :")
    for name, numbers in knee["scenarios"].items():
        print(f"{name:>20}: {numbers}")
    for s in steps:
        if s["errors"]:
            print(f"Erreurs à {s['users']} utilisateurs.", file=sys.stderr)
    emit("load", figures)
    sys.exit(1 if figures["errors"] and capacity_rps is None else 0)


def merged_figures(count, done):
    """One side's figures over its steps (``[(run, measured)]``): its recorders merged, its
    CPU readings weighted by each step's wall time; its first errors (``error_samples``)."""
    wall = sum(measured["wall_s"] for _, measured in done)
    measured = {
        key: round(sum(m[key] * m["wall_s"] for _, m in done) / wall, 3)
        for key in done[0][1]
        if key != "wall_s"
    }
    merged = Recorder.merged(run for run, _ in done)
    figures = step_figures(count, merged, {**measured, "wall_s": wall})
    return {**figures, "error_samples": merged.error_samples}


def compare(args, users, database):
    """``--compare-with``: this checkout and another, served at once, alternated."""
    trees = [ROOT, Path(args.compare_with).resolve()]
    with contextlib.ExitStack() as stack:
        servers = []
        for tree in trees:
            port = free_port()
            server = stack.enter_context(
                gunicorn(
                    os.environ["DATABASE_URL"], workers=args.workers, port=port,
                    nice=args.nice, root=tree,
                )
            )  # fmt: skip
            servers.append((f"http://127.0.0.1:{port}", server))
        say(
            f"deux serveurs prêts ({args.workers} workers chacun) : {len(users)} utilisateurs, "
            f"{args.rounds} tours de {args.duration:g} s sur chacun, en alternance…"
        )
        done = asyncio.run(
            run_alternating(
                [url for url, _ in servers],
                users,
                duration=args.duration,
                think=args.think,
                forwarded_https=True,
                rounds=args.rounds,
                login_concurrency=os.cpu_count() or 2,
                new_meter=lambda index: CpuMeter(servers[index][1].pid, database),
            )
        )
    this, other = (merged_figures(len(users), side) for side in done)
    ratios = {
        name: round(numbers["server_cpu_ms"] / other["scenarios"][name]["server_cpu_ms"], 3)
        for name, numbers in this["scenarios"].items()
        if numbers.get("server_cpu_ms") and other["scenarios"].get(name, {}).get("server_cpu_ms")
    }
    print(f"{'request':>20} {'p50 ms':>15} {'p95 ms':>15} {'server CPU ms':>15} {'ratio':>6}")
    for name, numbers in this["scenarios"].items():
        before = other["scenarios"].get(name, {})
        print(
            f"{name:>20} {numbers['p50_ms']!s:>7}/{before.get('p50_ms')!s:<7} "
            f"{numbers['p95_ms']!s:>7}/{before.get('p95_ms')!s:<7} "
            f"{numbers.get('server_cpu_ms')!s:>7}/{before.get('server_cpu_ms')!s:<7} "
            f"{ratios.get(name, '')!s:>6}"
        )
    print(
        f"{'(tout)':>20} {this['p50_ms']!s:>7}/{other['p50_ms']!s:<7} "
        f"{this['p95_ms']!s:>7}/{other['p95_ms']!s:<7} "
        f"{this['server_cpu_ms_per_request']!s:>7}/{other['server_cpu_ms_per_request']!s:<7}"
    )
    print(f"erreurs : {this['errors']} / {other['errors']}")
    emit(
        "load_compare",
        {
            "this": {"tree": str(trees[0]), **this},
            "other": {"tree": str(trees[1]), **other},
            "server_cpu_ratio": ratios,
            "rounds": args.rounds,
            "step_s": args.duration,
            "users": len(users),
            "workers": args.workers,
            "machine": machine(),
        },
    )
    if this["errors"] or other["errors"]:
        say(f"Erreurs : {this['error_samples'] or other['error_samples']}")
        sys.exit(1)


if __name__ == "__main__":
    main()
