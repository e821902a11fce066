"""One access policy: each app's ``perms.py`` decides, from capabilities
(``iae_portal.users.roles``); no other module nor template tests a role (issue 15, item 3).

A module outside ``perms.py`` that imports ``Role`` (or the role sets), compares a
``.role`` with a role's value, filters accounts on a role's value or asks
``is_regional_staff``/``is_regional_writer`` decides access on its own; so does a template
testing ``user.role``, ``user.is_admin``… (they get context booleans or the menu's tag)."""

import ast
import re
from pathlib import Path

import pytest

from iae_portal.users.roles import CAPABILITIES, Role

ROOT = Path(__file__).resolve().parent.parent
APPS = ("iae_portal", "structures", "aides", "dla", "clauses", "utilite")

# Where role values are legitimate: the roles themselves, the user model (its field and
# superusers), the code that creates accounts (demo data, the accounts API clients act
# as), and the words that name a person's role in a dossier's history.
EXCEPTIONS = {
    "iae_portal/users/roles.py": "declares the roles and their capabilities",
    "iae_portal/users/enums.py": "re-exports Role for the modules that import it from there",
    "iae_portal/users/models.py": "the role field, create_superuser",
    "iae_portal/users/demo.py": "creates the demo accounts",
    "aides/demo.py": "creates demo instructors and directors",
    "structures/demo.py": "sets the demo staff accounts' region",
    "iae_portal/api/services.py": "creates the account an API client acts as",
    "structures/api/client_kinds.py": "creates the account of a structure's API client",
    "dla/api/client_kinds.py": "creates the account of a DLA's API client",
    "clauses/api/client_kinds.py": "creates the account of a facilitator's API client",
    "aides/presenters.py": "names a person by their role in a dossier's history (words only)",
}
ROLE_NAMES = {"Role", "REGIONAL_STAFF_ROLES", "REGIONAL_WRITER_ROLES", "CAPABILITIES"}
ROLE_ATTRIBUTES = {"is_regional_staff", "is_regional_writer"}
ROLE_KEYWORDS = {"role", "role__in", "user__role", "user__role__in"}
ROLE_VALUES = set(Role.values)


def python_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or path.name == "perms.py":
                continue
            if relative in EXCEPTIONS:
                continue
            yield relative, path


def _role_values(node):
    """Whether ``node`` is a role's value, or a collection holding one."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_role_values(element) for element in node.elts)
    return isinstance(node, ast.Constant) and node.value in ROLE_VALUES


def role_tests(source):
    """``[(line, what)]``: where ``source`` decides on a role."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names} & ROLE_NAMES
            if names:
                found.append((node.lineno, f"imports {', '.join(sorted(names))}"))
        elif isinstance(node, ast.Attribute) and node.attr in ROLE_ATTRIBUTES:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            compares_role = any(isinstance(s, ast.Attribute) and s.attr == "role" for s in sides)
            role_value = any(_role_values(s) for s in sides)
            if compares_role and role_value:
                found.append((node.lineno, "compares .role with a role's value"))
        elif isinstance(node, ast.keyword) and node.arg in ROLE_KEYWORDS:
            value = node.value
            if isinstance(value, ast.Constant) and value.value in ROLE_VALUES:
                found.append((node.lineno, f"{node.arg}={value.value!r}"))
    return found


def test_no_module_outside_perms_decides_on_a_role():
    offences = [
        f"{relative}:{line}: {what}"
        for relative, path in python_modules()
        for line, what in role_tests(path.read_text())
    ]
    assert not offences, "decide in perms.py, from capabilities:\n" + "\n".join(offences)


def test_the_exceptions_still_exist():
    """An exception whose file went away is removed from the list (it never grows stale)."""
    assert all((ROOT / relative).exists() for relative in EXCEPTIONS)


TEMPLATE_ROLE_TEST = re.compile(
    r"{%[^%]*\b(?:\w+\.role\b|is_admin|is_regional_\w+|is_superuser|is_staff)[^%]*%}"
)


def test_no_template_decides_on_a_role():
    offences = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in TEMPLATE_ROLE_TEST.finditer(path.read_text())
    ]
    assert not offences, "give templates context booleans from perms.py:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from iae_portal.users.enums import Role\n", True),
        ("from iae_portal.users.roles import REGION_READ\n", False),
        ("from structures.enums import MembershipRole\n", False),
        ("if user.role == 'siae': pass\n", True),
        ("if user.role in ('dla', 'facilitateur'): pass\n", True),
        ("if position.role == 'insertion': pass\n", False),
        ("x = user.is_regional_staff\n", True),
        ("User.objects.filter(role='instructeur')\n", True),
        ("Membership.objects.filter(role='directeur')\n", False),
        ("if user.can('region.read'): pass\n", False),
    ],
)
def test_the_check_recognises_role_tests(source, found):
    assert bool(role_tests(source)) is found


def test_the_template_check_recognises_role_tests():
    assert TEMPLATE_ROLE_TEST.search("{% if user.role == 'siae' %}")
    assert TEMPLATE_ROLE_TEST.search("{% elif user.is_admin or x %}")
    assert not TEMPLATE_ROLE_TEST.search("{{ user.get_role_display }}")
    assert not TEMPLATE_ROLE_TEST.search("{% if can_edit %}")


def test_every_role_has_capabilities():
    """A role without a line in ``CAPABILITIES`` could do nothing: declare it there."""
    assert set(CAPABILITIES) == set(Role)
