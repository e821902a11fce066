"""The project's import rules (docs/architecture.md, issue 15), checked statically by
``tests.architecture`` on the project and, to prove each check can fail, on small synthetic
packages written in ``tmp_path``."""

import ast
from pathlib import Path
from textwrap import dedent

from tests.architecture import (
    PROJECT_PACKAGES,
    ImportGraph,
    boundary_violations,
    function_imports,
    import_cycles,
    pure_package_violations,
)

ROOT = Path(__file__).resolve().parent.parent

# Imports that stay inside a function, each with its reason. Keep it short: an import hidden in
# a function to dodge a cycle is a cycle still (it only waits for the call).
FUNCTION_IMPORTS_ALLOWED = {
    ("*.apps", "ready", "*"): (
        "AppConfig.ready() registers the app's signals, sections and API kinds once the app "
        "registry is loaded; at module level they would load models before it is ready"
    ),
    ("iae_portal.celery", "_load_weasyprint", "iae_portal.pdf_render"): (
        "the worker's main process imports WeasyPrint before forking its children (they "
        "inherit it); at module level every process would, the Celery app being imported by "
        "every process (iae_portal/__init__.py)"
    ),
    ("iae_portal.pdf", "_rendering", "*pdf_render"): (
        "WeasyPrint (iae_portal.pdf_render) is imported at the first PDF rendered, not at "
        "start-up: every process, each command's included, would pay ≈ 23 MB and 0.8 s for it"
    ),
}


def project():
    return ImportGraph.scan(ROOT)


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


# --- the project ------------------------------------------------------------------------------


def report(violations):
    return "\n" + "\n".join(violations)


def test_no_import_cycle():
    cycles = import_cycles(project())
    assert not cycles, report(cycles)


def test_domain_apps_and_core_keep_their_boundaries():
    violations = boundary_violations(project())
    assert not violations, report(violations)


def test_aid_rules_import_neither_django_nor_the_project():
    violations = pure_package_violations(project(), "aides.rules")
    assert not violations, report(violations)


def test_social_utility_registry_and_computations_import_neither_django_nor_the_project():
    """``utilite.indicators`` and ``utilite.computations`` (the contract's codes and
    figures) import nothing but each other and the standard library."""
    graph = project()
    pure = ("utilite.indicators", "utilite.computations")
    others = tuple(package for package in PROJECT_PACKAGES if package != "utilite")
    for module in pure:
        violations = pure_package_violations(graph, module, project=others)
        assert not violations, report(violations)
    within = {
        i.target for i in graph.imports if i.module in pure and i.target.startswith("utilite")
    }
    assert within <= set(pure)


def test_no_import_inside_a_function_outside_the_allowlist():
    violations = function_imports(project(), FUNCTION_IMPORTS_ALLOWED)
    assert not violations, report(violations)


def test_the_scan_reads_every_package_and_skips_migrations():
    graph = project()
    assert {name.split(".")[0] for name in graph.modules} == {
        "iae_portal",
        "structures",
        "aides",
        "dla",
        "clauses",
        "utilite",
    }
    assert "aides.rules.arsie" in graph.modules
    assert not [name for name in graph.modules if ".migrations" in name]
    # An import between apps and one inside a package are both seen.
    edges = graph.edges()
    assert "structures.models" in edges["dla.models.core"]
    assert "dla.models.core" in edges["dla.models.steps"]


def test_the_core_imports_no_domain_app_outside_urls_and_settings():
    """``iae_portal/`` (migrations included) imports none of ``structures``, ``aides``,
    ``dla``, ``clauses``, neither at module level nor inside a function nor by a dotted
    path given to ``import_module``/``import_string``, except in ``iae_portal/urls.py`` and
    ``iae_portal/settings.py``: the apps plug in through its registries (issue 15)."""
    domain_apps = {"structures", "aides", "dla", "clauses", "utilite"}
    core = ROOT / "iae_portal"
    wiring = {core / "urls.py", core / "settings.py"}
    found = []
    for path in sorted(core.rglob("*.py")):
        if path in wiring:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None))
                in {"import_module", "import_string", "__import__"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                names = [node.args[0].value]
            else:
                continue
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {name}"
                for name in names
                if name.split(".")[0] in domain_apps
            ]
    assert not found, report(found)


# --- each check can fail ----------------------------------------------------------------------


def test_a_cycle_between_two_modules_is_reported_with_its_imports(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/a.py": "from app.b import B\n",
            "app/b.py": "def f():\n    from .a import A\n",
            "app/c.py": "from . import a\n",
        },
    )
    assert import_cycles(ImportGraph.scan(tmp_path, ["app"])) == [
        "cycle: app.a, app.b — app.a → app.b (app/a.py:1); "
        "app.b → app.a (app/b.py:2, in a function)"
    ]


def test_a_cycle_across_packages_and_levels_is_one_component(tmp_path):
    write(
        tmp_path,
        {
            "one/__init__.py": "",
            "one/x.py": "import two.y\n",
            "two/__init__.py": "",
            "two/y.py": "from ..one import z\n",
            "one/z.py": "from one import x\n",
        },
    )
    # ``from ..one import z`` in ``two/y.py`` resolves against the root: ``one.z``.
    (cycle,) = import_cycles(ImportGraph.scan(tmp_path, ["one", "two"]))
    assert cycle.startswith("cycle: one.x, one.z, two.y — ")


def test_from_package_import_submodule_is_no_edge_to_the_package(tmp_path):
    # The package's __init__ re-exports ``a``; ``b`` takes the submodule ``a`` through
    # ``from . import a``: an edge to ``pkg.a``, not to ``pkg``, so no cycle.
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from .b import B\n",
            "pkg/a.py": "A = 1\n",
            "pkg/b.py": "from . import a\nfrom pkg import a as again\nB = a.A\n",
        },
    )
    assert import_cycles(ImportGraph.scan(tmp_path, ["pkg"])) == []


def test_from_package_import_a_reexported_name_closes_a_cycle_with_the_init(tmp_path):
    # ``from . import A`` takes ``A`` from the __init__, which imports ``b``: that works only
    # if the __init__ imported ``a`` before ``b``, a real cycle.
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from .a import A\nfrom .b import B\n",
            "pkg/a.py": "A = 1\n",
            "pkg/b.py": "from . import A\nB = A\n",
        },
    )
    assert import_cycles(ImportGraph.scan(tmp_path, ["pkg"])) == [
        "cycle: pkg, pkg.b — pkg → pkg.b (pkg/__init__.py:2); pkg.b → pkg (pkg/b.py:1)"
    ]


def test_importing_a_submodule_runs_the_init_of_the_packages_on_the_way(tmp_path):
    # ``other.deep.leaf`` executes ``other/deep/__init__.py``, which imports ``user``; the
    # packages that enclose the importer itself are no edge (they are already running).
    write(
        tmp_path,
        {
            "user/__init__.py": "",
            "user/mod.py": "from other.deep.leaf import X\nimport user.sibling\n",
            "user/sibling.py": "",
            "other/__init__.py": "",
            "other/deep/__init__.py": "from user import mod\n",
            "other/deep/leaf.py": "X = 1\n",
        },
    )
    (cycle,) = import_cycles(ImportGraph.scan(tmp_path, ["user", "other"]))
    assert cycle.startswith("cycle: other.deep, user.mod — ")


def test_type_checking_imports_are_no_edge(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/a.py": "from app.b import B\n",
            "app/b.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from app.a import A\nelse:\n    A = None\nB = 1\n"
            ),
        },
    )
    assert import_cycles(ImportGraph.scan(tmp_path, ["app"])) == []


def test_boundaries_between_the_core_and_the_domain_apps(tmp_path):
    write(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/urls.py": "import shared.views\nimport leaf.views\n",
            "core/settings.py": "from leaf import apps\n",
            "core/views.py": "def home():\n    from leaf.models import Thing\n",
            "shared/__init__.py": "",
            "shared/views.py": "from leaf.models import Thing\nfrom core import views\n",
            "leaf/__init__.py": "",
            "leaf/apps.py": "",
            "leaf/models.py": "from shared.views import x\nfrom other.models import y\n",
            "leaf/views.py": "from . import models\n",
            "other/__init__.py": "",
            "other/models.py": "import leaf.models\nimport shared\n",
        },
    )
    graph = ImportGraph.scan(tmp_path, ["core", "shared", "leaf", "other"])
    assert boundary_violations(graph, ("shared", "leaf", "other"), core="core") == [
        "core/views.py:2: the core imports leaf.models",
        "leaf/models.py:2: leaf imports other.models",
        "other/models.py:1: other imports leaf.models",
        "shared/views.py:1: shared imports leaf.models",
    ]


def test_a_pure_package_importing_django_or_the_project_is_reported(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/enums.py": "",
            "app/rules/__init__.py": "from . import common\n",
            "app/rules/common.py": "from decimal import Decimal\nfrom .result import R\n",
            "app/rules/result.py": "import django.db.models\n",
            "app/rules/kind.py": "def f():\n    from app.enums import Kind\n",
            "app/rules/fine.py": "from app.rules.common import x\n",
        },
    )
    graph = ImportGraph.scan(tmp_path, ["app"])
    assert pure_package_violations(graph, "app.rules", project=("app",)) == [
        "app/rules/kind.py:2: app.rules imports app.enums",
        "app/rules/result.py:1: app.rules imports django.db.models",
    ]


def test_imports_inside_functions_are_reported_unless_allowed(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/apps.py": (
                "class Config:\n    def ready(self):\n        from . import signals\n"
                "    def other(self):\n        import json\n"
            ),
            "app/signals.py": "",
            "app/views.py": (
                "import os\n\nclass V:\n    def get(self):\n        from app import signals\n"
                "\nf = lambda: __import__('x')\n"
            ),
        },
    )
    graph = ImportGraph.scan(tmp_path, ["app"])
    allowed = {
        ("*.apps", "ready", "app.*"): "signals",
        ("app.views", "post", "*"): "stale",
    }
    assert function_imports(graph, allowed) == [
        "app/apps.py:5: import of json inside other()",
        "app/views.py:5: import of app.signals inside get()",
        "allowlist: no import of * inside app.views.post() any more",
    ]
