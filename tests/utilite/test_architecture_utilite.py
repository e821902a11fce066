"""utilite/ keeps the project's import rules (tests/architecture.py's checks, run with the
app added to the scanned packages): it imports only ``structures`` and the core, no app
imports it, its registry and computations import neither Django nor the project."""

from pathlib import Path

from tests.architecture import (
    DOMAIN_APPS,
    PROJECT_PACKAGES,
    ImportGraph,
    boundary_violations,
    function_imports,
    import_cycles,
    pure_package_violations,
)
from tests.test_architecture import FUNCTION_IMPORTS_ALLOWED

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = tuple(dict.fromkeys((*PROJECT_PACKAGES, "utilite")))
APPS = tuple(dict.fromkeys((*DOMAIN_APPS, "utilite")))


def graph():
    return ImportGraph.scan(ROOT, PACKAGES)


def test_the_scan_reads_utilite():
    assert "utilite.computations" in graph().modules


def test_boundaries():
    assert not boundary_violations(graph(), APPS)


def test_no_cycle_and_no_import_in_a_function():
    scanned = graph()
    assert not import_cycles(scanned)
    assert not [v for v in function_imports(scanned, FUNCTION_IMPORTS_ALLOWED) if "utilite" in v]


def test_registry_and_computations_are_pure():
    scanned = graph()
    pure = ("utilite.indicators", "utilite.computations")
    for module in pure:
        others = tuple(app for app in ("iae_portal", *APPS) if app != "utilite")
        assert not pure_package_violations(scanned, module, project=others)
    within = {imp.target for imp in scanned.imports if imp.module in pure}
    assert {t for t in within if t.startswith("utilite")} <= set(pure)
