"""Load benchmark: simulated users against gunicorn and PostgreSQL on loopback.

Run: ``make bench-load`` (50 users for 60 s, in the database ``iae_load``). Seeds the demo
region at 5,000 structures and 20,000 dossiers (once: reused afterwards, see
``load_seed``), sets the accounts, starts gunicorn in production mode (``load_server``),
logs every user in through the login form, then runs the users (``load_users``) for the
duration: half directors browsing their dossiers, 30 % instructeurs filtering the queue and
opening dossiers, 20 % partner tools syncing the structures through the REST API.

Prints the figures, then one JSON line. Keys: ``requests``, ``errors`` (must be 0),
``p50_ms``, ``p95_ms`` (target ≤ 500 on 2 cores) over the run (logins apart, under
``login``), ``scenarios`` (the same per request name), the CPU used by the server, by its
PostgreSQL backends, by the load client and by the whole machine (other work included), in
cores, and ``server_cpu_ms_per_request`` (server and database). Exits 1 on errors.
"""

import argparse
import asyncio
import logging
import os
import sys

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iae_load")

from _setup import django_setup, emit, machine
from load_server import CpuMeter, free_port, gunicorn
from load_users import run_load, user_mix

P95_TARGET_MS = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds")
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
    args = parser.parse_args()
    args.think = tuple(float(x) for x in args.think.split(","))
    return args


def say(message):
    print(message, file=sys.stderr, flush=True)


def main():
    args = parse_args()
    django_setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    import load_seed
    from django.db import connection

    say(f"Données : {args.structures} structures, {args.dossiers} dossiers…")
    seeded = load_seed.seed_region(structures=args.structures, dossiers=args.dossiers)
    wanted = user_mix(args.users, api_available=True)
    logins = load_seed.accounts(
        directors=args.users,  # enough when the API's share goes to directors
        instructors=wanted["instructor"],
        api_clients=wanted["api"],
    )
    mix = user_mix(args.users, api_available=bool(logins["api_tokens"]))
    password = logins["password"]
    users = [
        *[("director", (email, password), None) for email in logins["directors"][: mix["director"]]],
        *[("instructor", (email, password), None) for email in logins["instructors"][: mix["instructor"]]],
        *[("api", None, token) for token in logins["api_tokens"][: mix.get("api", 0)]],
    ]  # fmt: skip
    connection.close()  # the server's workers need the database, not this process
    port = args.port or free_port()
    with gunicorn(
        os.environ["DATABASE_URL"], workers=args.workers, port=port, nice=args.nice
    ) as server:
        say(
            f"gunicorn prêt ({args.workers} workers) ; {args.users} utilisateurs, {args.duration:g} s…"
        )
        login, run, measured = asyncio.run(
            run_load(
                f"http://127.0.0.1:{port}",
                users,
                duration=args.duration,
                think=args.think,
                forwarded_https=True,
                meter=CpuMeter(server.pid, connection.settings_dict["NAME"]),
            )
        )
    figures = run.figures()
    wall, count = measured.pop("wall_s"), figures["requests"]
    busy = measured["server_cpu_cores"] + measured["database_cpu_cores"]
    figures |= {
        "requests_per_s": round(count / wall, 1),
        # What a request costs the server and the database, whatever else the machine does.
        "server_cpu_ms_per_request": round(busy * wall / count * 1000, 1) if count else None,
        "login": login.figures(["login"]),
        "users": mix,
        "duration_s": wall,
        "think_s": list(args.think),
        "workers": args.workers,
        "nice": args.nice,
        **measured,
        "api": bool(logins["api_tokens"]),
        "structures": seeded["structures"],
        "dossiers": seeded["dossiers"],
        "seeded_now": seeded["seeded"],
        "database": "postgresql",
        "machine": machine(),
    }
    figures["login"].pop("scenarios")
    for key, value in figures.items():
        if key != "scenarios":
            print(f"{key:>18}: {value}")
    for name, numbers in figures["scenarios"].items():
        print(f"{name:>18}: {numbers}")
    if run.error_samples:
        print("Erreurs :", *run.error_samples, sep="\n  ", file=sys.stderr)
    if figures["p95_ms"] is not None and figures["p95_ms"] > P95_TARGET_MS:
        print(f"p95 au-dessus de la cible ({P95_TARGET_MS} ms).", file=sys.stderr)
    emit("load", figures)
    sys.exit(1 if figures["errors"] else 0)


if __name__ == "__main__":
    main()
