"""Reading the matrix's tables, and judging one answer against the table's word for it."""

import contextlib
import json
from dataclasses import dataclass, field

from django.urls import reverse

# Answers that let the request through (the others refuse it, and must write nothing).
ALLOWED = frozenset({"ok", "in", "out", "rdr"})
TOKENS = ALLOWED | {"log", "400", "401", "403", "404", "405"}
METHODS = frozenset({"GET", "POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class Row:
    pattern: str
    variant: str
    method: str
    expected: dict  # role → token
    line: int


@dataclass
class Target:
    """What a request is made of: the URL's kwargs and query, the data sent (``json``: as
    a JSON body, else as a form), and for ``in``/``out`` the text that shows the object."""

    kwargs: dict = field(default_factory=dict)
    query: str = ""
    data: object = None
    json: bool = False
    marker: str | None = None
    url: str | None = None
    write_kwargs: dict | None = None  # another object for the writes, when not the same

    def path(self, pattern, method="GET"):
        kwargs = self.kwargs
        if method != "GET" and self.write_kwargs is not None:
            kwargs = self.write_kwargs
        url = self.url or reverse(pattern, kwargs=kwargs)
        return f"{url}?{self.query}" if self.query else url


def parse(text, columns):
    """The rows of a table: ``pattern variant method answer…``, one answer per column;
    ``GET+POST`` makes two rows with the same answers."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        pattern, variant, methods, *answers = line.split()
        assert len(answers) == len(columns), f"line {number}: {len(answers)} answers"
        assert set(answers) <= TOKENS, f"line {number}: unknown answer in {answers}"
        for method in methods.split("+"):
            assert method in METHODS, f"line {number}: method {method}"
            rows.append(
                Row(pattern, variant, method, dict(zip(columns, answers, strict=True)), number)
            )
    keys = [(r.pattern, r.variant, r.method) for r in rows]
    assert len(keys) == len(set(keys)), "a (pattern, variant, method) has two rows"
    return rows


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def judge(expected, response, *, method, marker, api, login_url):
    """``None`` when ``response`` is what the table says, else what is wrong."""
    status = response.status_code
    location = response.get("Location", "")
    if expected in ("in", "out"):
        if status != 200:
            return f"expected 200 ({expected}), got {status}"
        shown = marker in body(response)
        if shown != (expected == "in"):
            return f"the object is {'' if shown else 'not '}listed ({marker})"
        return None
    if expected == "ok":
        if method == "GET":
            good = status == 200
        elif api:
            good = 200 <= status < 300
        else:
            good = status in (200, 400) or (status == 302 and not location.startswith(login_url))
    elif expected == "log":
        good = status == 302 and location.startswith(login_url)
    elif expected == "rdr":
        good = status == 302 and not location.startswith(login_url)
    else:
        good = status == int(expected)
    if good:
        return None
    detail = f" → {location}" if location else ""
    if api and status >= 400:
        with contextlib.suppress(ValueError):
            detail = f" {json.loads(response.content).get('errors')}"
    return f"expected {expected}, got {status}{detail}"
