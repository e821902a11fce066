"""A test that commits (``transaction=True``) flushes the database when it ends, reference data
(régions, départements, aid schemes loaded by migrations) included: the next tests of the same
worker would find none. Each such test restores it (``serialized_rollback=True``)."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
MARKER = re.compile(r"django_db\(([^)]*)\)")


def test_every_committing_test_restores_the_reference_data():
    missing = [
        f"{path.relative_to(TESTS)}:{source[: match.start()].count(chr(10)) + 1}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != Path(__file__).resolve()
        for source in [path.read_text()]
        for match in MARKER.finditer(source)
        if "transaction=True" in match.group(1) and "serialized_rollback=True" not in match.group(1)
    ]
    assert missing == []
