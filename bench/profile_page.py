"""What one page costs the application, in-process: CPU per request and queries.

Run after ``make bench-load`` has seeded its database (the same production settings as the
load benchmark's server: ``DJANGO_DEBUG=0``, WhiteNoise's manifest from ``var/load/static``)::

    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/iae_load \\
        ../.venv/bin/python profile_page.py instructeur.01@charge.iae.test /aides/instruction/

``--as`` an email (``force_login``: no password hashing), or ``api`` for the first load
client's token. Prints the median and the lower quartile of ``time.process_time()`` per
request over ``--repeat`` requests (after two not counted), the queries a request sends and,
with ``--profile N``, the function calls a request (cProfile's count, built-ins included: a
measure that does not drift with the machine's speed) and the N costliest functions
(cumulative) of a cProfile over them,
with ``--queries``, each query of a request and its time (the database's included).
CPU of this process only: the database's own CPU is not in it.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import time
from functools import partial

from load_server import production_env

os.environ.update(
    {
        key: value
        for key, value in production_env(os.environ["DATABASE_URL"]).items()
        if key not in os.environ or key == "DJANGO_DEBUG"
    }
)
os.environ["IAE_SERVER_TIMING"] = "0"

from _setup import ROOT  # sys.path and settings module


def _count(queries, execute, sql, params, many, context):
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        queries.append(((time.perf_counter() - start) * 1000, sql))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("user", help="an email, or 'api' for a load client's token")
    parser.add_argument("paths", nargs="+", help="addresses to request, in turn")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument(
        "--queries", action="store_true", help="print each query and its time (one request)"
    )
    args = parser.parse_args()
    os.chdir(ROOT)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(secure=True, HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    if args.user == "api":
        from load_seed import _api_tokens

        (token,) = _api_tokens(1)  # the first load client's, renewed
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    else:
        from iae_portal.users.models import User

        client.force_login(User.objects.get(email=args.user))

    for path in args.paths:
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200, (
                path,
                response.status_code,
                response.get("Location"),
            )
        queries = []
        with connection.execute_wrapper(partial(_count, queries)):
            client.get(path)
        spent = []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.repeat):
            if profiler:
                profiler.enable()
            start = time.process_time()
            client.get(path)
            spent.append((time.process_time() - start) * 1000)
            if profiler:
                profiler.disable()
        spent.sort()
        print(
            f"{path}: {statistics.median(spent):.1f} ms CPU (median), "
            f"{spent[len(spent) // 4]:.1f} ms (lower quartile), {len(queries)} queries, "
            f"{len(response.content):,} bytes"
        )
        if args.queries:
            for ms, sql in queries:
                print(f"  {ms:6.1f} ms  {sql[:400]}")
        if profiler:
            stats = pstats.Stats(profiler)
            # Deterministic, unlike the CPU time: compares code on a machine whose speed
            # drifts (docs/performance.md, seventh measurement).
            print(f"{path}: {stats.total_calls // args.repeat:,} function calls a request")
            stats.sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
