"""``Server-Timing`` on every response, when ``IAE_SERVER_TIMING`` is on (the load benchmark
sets it; off by default): what the request cost the application, read by the load client
per scenario (bench/load.py).

- ``app``: wall time in the application (this middleware and what it wraps);
- ``cpu``: CPU time of the application's process meanwhile (``time.process_time``: exact in
  a sync worker, which serves one request at a time);
- ``db``: wall time spent waiting for the database's answers, and ``q`` the number of
  queries (``connection.execute_wrapper``), so that the database's CPU can be shared out
  among the scenarios.

The first middleware: it wraps all the others."""

import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections


class ServerTimingMiddleware:
    def __init__(self, get_response):
        if not settings.IAE_SERVER_TIMING:
            raise MiddlewareNotUsed  # not in the chain at all
        self.get_response = get_response

    def __call__(self, request):
        spent = {"db": 0.0, "q": 0}

        def timed(execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent["db"] += time.perf_counter() - start
                spent["q"] += 1

        cpu, wall = time.process_time(), time.perf_counter()
        wrappers = [connections[alias].execute_wrapper(timed) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        cpu_ms = (time.process_time() - cpu) * 1000
        wall_ms = (time.perf_counter() - wall) * 1000
        response["Server-Timing"] = (
            f"app;dur={wall_ms:.1f}, cpu;dur={cpu_ms:.1f}, db;dur={spent['db'] * 1000:.1f}, "
            f"q;desc={spent['q']}"
        )
        return response
