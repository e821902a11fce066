"""Static checks of the project's imports, read with ``ast`` (nothing is imported).

``ImportGraph.scan(root, packages)`` reads every module of ``packages`` under ``root``
(migrations aside) and records each import with its file, line and whether it sits inside a
function. The checks return violations as ``"path:line: text"`` strings, so a test asserts an
empty list and a failure names the places to change. ``tests/test_architecture.py`` runs them
on the project and, to prove each one can fail, on small synthetic packages.

How an import becomes an edge of the module graph (the graph the cycle check walks):

- ``import a.b.c`` and ``from a.b.c import name`` execute ``a.b.c`` and, before it, the
  ``__init__`` of ``a`` and ``a.b``: each of them is an edge, except the packages on the way
  that enclose the importing module (they are already being imported when it runs, so passing
  through them executes nothing: ``aides.views.batch`` importing ``aides.models`` is no edge
  to ``aides``). The module named by the import itself is always an edge.
- ``from pkg import name`` is an edge to ``pkg.name`` when ``name`` is a submodule, and to
  ``pkg`` (its ``__init__``) otherwise. So ``from . import perms`` inside ``dla`` is an edge to
  ``dla.perms``, not to ``dla``; but ``from . import Thing`` where ``pkg/__init__.py``
  re-exports ``Thing`` is an edge to ``pkg``, and it closes a cycle with an ``__init__`` that
  imports the module (a real one: it works only in one import order).
- Relative imports are resolved against the importing module's package.
- Imports inside functions are edges too (they only move the cycle to call time), imports
  under ``if TYPE_CHECKING:`` are not (they never run). Only the project's own modules are
  nodes; the boundary checks still see every import, third-party ones included.
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

PROJECT_PACKAGES = ("iae_portal", "structures", "aides", "dla", "clauses", "utilite")
DOMAIN_APPS = ("structures", "aides", "dla", "clauses", "utilite")


@dataclass(frozen=True)
class Import:
    """One imported module: ``target`` is the dotted name as resolved (for ``from pkg import
    name`` it is ``pkg.name`` when that is a project module, else ``pkg``)."""

    module: str  # the importing module
    path: str  # its file, relative to the root
    line: int
    target: str
    function: str | None  # the innermost function around the import, if any
    type_checking: bool

    @property
    def in_function(self):
        return self.function is not None

    @property
    def where(self):
        return f"{self.path}:{self.line}"


def _module_name(relative):
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class ImportGraph:
    def __init__(self, modules, imports):
        self.modules = modules  # dotted name -> path relative to the root
        self.imports = imports  # [Import]

    @classmethod
    def scan(cls, root, packages=PROJECT_PACKAGES):
        root = Path(root)
        files = {}
        for package in packages:
            for path in sorted((root / package).rglob("*.py")):
                relative = path.relative_to(root)
                if "migrations" in relative.parts:
                    continue
                files[_module_name(relative)] = relative
        modules = {name: str(relative) for name, relative in files.items()}
        imports = []
        for name, relative in files.items():
            is_package = relative.name == "__init__.py"
            tree = ast.parse((root / relative).read_text(encoding="utf-8"), str(relative))
            imports.extend(_imports_of(tree, name, str(relative), is_package, modules))
        return cls(modules, imports)

    def edges(self):
        """``{module: {target: [Import, …]}}`` between the project's modules, as described in
        the module docstring."""
        graph = defaultdict(lambda: defaultdict(list))
        for imp in self.imports:
            if imp.type_checking:
                continue
            enclosing = _ancestors(imp.module) | {imp.module}
            parts = imp.target.split(".")
            for i in range(1, len(parts) + 1):
                executed = ".".join(parts[:i])
                if executed not in self.modules or executed == imp.module:
                    continue
                if executed == imp.target or executed not in enclosing:
                    graph[imp.module][executed].append(imp)
        return graph


def _ancestors(module):
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def _resolve(node, module, is_package):
    """The absolute module of an ``ImportFrom`` node (``from ..x import y`` → ``pkg.x``)."""
    if not node.level:
        return node.module
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports_of(tree, module, path, is_package, modules):
    found = []

    def visit(node, function, type_checking):
        for child in ast.iter_child_nodes(node):
            inside = function
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inside = child.name
            elif isinstance(child, ast.Lambda):
                inside = "<lambda>"
            guarded = type_checking or (isinstance(child, ast.If) and _is_type_checking(child.test))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(
                        Import(module, path, child.lineno, alias.name, inside, type_checking)
                    )
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(child, module, is_package)
                targets = []
                for alias in child.names:
                    candidate = f"{base}.{alias.name}"
                    targets.append(candidate if candidate in modules else base)
                for target in dict.fromkeys(targets):
                    found.append(Import(module, path, child.lineno, target, inside, type_checking))
            if isinstance(child, ast.If) and guarded and not type_checking:
                # The body of ``if TYPE_CHECKING:`` never runs; its ``else`` does.
                for stmt in child.body:
                    visit_one(stmt, inside, True)
                for stmt in child.orelse:
                    visit_one(stmt, inside, False)
            else:
                visit(child, inside, type_checking)

    def visit_one(stmt, function, type_checking):
        wrapper = ast.Module(body=[stmt], type_ignores=[])
        visit(wrapper, function, type_checking)

    visit(tree, None, False)
    return found


def _place(violation):
    """Sorts ``"path:line: text"`` by path, then line as a number."""
    path, line, _ = violation.split(":", 2)
    return path, int(line) if line.isdigit() else 0


def _top(name):
    return name.split(".")[0]


def _within(name, package):
    return name == package or name.startswith(package + ".")


# --- the checks -------------------------------------------------------------------------------


def import_cycles(graph):
    """Each strongly connected component of more than one module, as
    ``"cycle: a, b, c — a → b (path:line), …"``: the modules and the imports that close it."""
    edges = graph.edges()
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = [0]

    def strongconnect(start):
        # Iterative Tarjan: a deep package would overflow the recursion limit otherwise.
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            strongconnect(module)

    reports = []
    for component in sorted(components):
        members = set(component)
        closing = [
            f"{source} → {target} ({imports[0].where}"
            + (", in a function" if imports[0].in_function else "")
            + ")"
            for source in component
            for target, imports in sorted(edges[source].items())
            if target in members
        ]
        reports.append(f"cycle: {', '.join(component)} — " + "; ".join(closing))
    return reports


def boundary_violations(graph, domain_apps=DOMAIN_APPS, core="iae_portal", wiring=None):
    """A domain app imports no other domain app but ``structures`` (which imports none), and
    the core imports no domain app outside its wiring modules (``urls.py``, ``settings.py``)."""
    wiring = wiring if wiring is not None else (f"{core}.urls", f"{core}.settings")
    shared = domain_apps[0]
    found = []
    for imp in graph.imports:
        source, target = _top(imp.module), _top(imp.target)
        if target not in domain_apps or target == source:
            continue
        if source == core and imp.module not in wiring:
            found.append(f"{imp.where}: the core imports {imp.target}")
        elif source in domain_apps and (target != shared or source == shared):
            found.append(f"{imp.where}: {source} imports {imp.target}")
    return sorted(found, key=_place)


def pure_package_violations(graph, package="aides.rules", forbidden=("django",), project=None):
    """``package`` imports neither ``forbidden`` libraries nor the project outside itself."""
    project = project if project is not None else PROJECT_PACKAGES
    found = []
    for imp in graph.imports:
        if not _within(imp.module, package) or _within(imp.target, package):
            continue
        if _top(imp.target) in forbidden or _top(imp.target) in project:
            found.append(f"{imp.where}: {package} imports {imp.target}")
    return sorted(found, key=_place)


def function_imports(graph, allowed=None):
    """Imports inside a function body, except those ``allowed``:
    ``{(module pattern, function name, target pattern): reason}`` with ``fnmatch`` patterns
    (``("*.apps", "ready", "*")``: any import in an ``AppConfig.ready()``). An allowance that
    matches nothing is reported too, so the list cannot go stale."""
    allowed = allowed or {}
    used = set()
    found = []
    for imp in graph.imports:
        if not imp.in_function:
            continue
        match = next(
            (
                key
                for key in allowed
                if fnmatchcase(imp.module, key[0])
                and imp.function == key[1]
                and fnmatchcase(imp.target, key[2])
            ),
            None,
        )
        if match:
            used.add(match)
            continue
        found.append(f"{imp.where}: import of {imp.target} inside {imp.function}()")
    found.sort(key=_place)
    for module, function, target in sorted(set(allowed) - used):
        found.append(f"allowlist: no import of {target} inside {module}.{function}() any more")
    return found
