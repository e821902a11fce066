"""Rule kinds declare themselves: the registry finds every module of ``aides/rules/`` that
declares a ``KIND``, checks what it declares, and gathers its French texts; a scheme's rule
kind is any registered kind, with no enum and no migration."""

import ast
import pathlib
import sys
import textwrap

import pytest
from django.core.exceptions import ValidationError

from aides import messages, rules
from aides.models import AidScheme
from aides.rules import DeclarationError, discover, merged_texts

RULES_DIR = pathlib.Path(rules.__file__).parent
SHARED_PIECES = {"__init__", "case", "common", "params", "result"}


def rule_files():
    return sorted(p for p in RULES_DIR.glob("*.py") if p.stem not in SHARED_PIECES)


def test_every_rule_module_is_registered_under_its_kind():
    assert sorted(path.stem for path in rule_files()) == sorted(rules.RULES)
    for kind, module in rules.RULES.items():
        assert kind == module.KIND and module.__name__ == f"aides.rules.{kind}"
    assert dict(rules.kind_choices()) == {k: m.LABEL for k, m in rules.RULES.items()}


def test_kind_choices_are_in_french_order():
    labels = [label for _, label in rules.kind_choices()]
    # « Éligibilité… » (recrutement_jeunes) among the E's, not after the T's.
    assert labels.index(rules.RULES["recrutement_jeunes"].LABEL) < labels.index(
        rules.RULES["tremplin_environnement"].LABEL
    )


def test_the_rules_import_neither_django_nor_the_project():
    for path in sorted(RULES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [] if node.level else [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in {
                    "django",
                    "aides",
                    "structures",
                    "dla",
                    "clauses",
                    "iae_portal",
                }, (path.name, name)


def emitted_codes(path):
    """``(reasons, exclusions)``: the codes a rule module gives, read from its source: the
    literal codes of ``refuse(…)`` and ``exclude(ref, …)``, and those its helpers return
    (``_refusal``, ``_hire_refusal``) when the code is a variable."""
    tree = ast.parse(path.read_text())
    reasons, exclusions, variable = set(), set(), False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "refuse" and node.args:
                target, argument = reasons, node.args[0]
            elif node.func.attr == "exclude" and len(node.args) == 2:
                target, argument = exclusions, node.args[1]
            else:
                continue
            if isinstance(argument, ast.Constant):
                target.add(argument.value)
            else:
                variable = True
    if variable:
        for function in tree.body:
            if isinstance(function, ast.FunctionDef) and function.name != "evaluate":
                for node in ast.walk(function):
                    value = node.value if isinstance(node, ast.Return) else None
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        exclusions.add(value.value)
    return reasons, exclusions


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.stem)
def test_every_code_a_rule_gives_is_worded_by_it_or_shared(path):
    module = rules.RULES[path.stem]
    reasons, exclusions = emitted_codes(path)
    assert reasons or exclusions or path.stem == "manual"
    own_and_shared = {**rules.common.REASONS, **getattr(module, "REASONS", {})}
    assert reasons - set(own_and_shared) == set()
    own_and_shared = {**rules.common.EXCLUSIONS, **getattr(module, "EXCLUSIONS", {})}
    assert exclusions - set(own_and_shared) == set()


def test_the_shared_pieces_give_only_shared_codes():
    reasons, exclusions = emitted_codes(RULES_DIR / "common.py")
    more_reasons, _ = emitted_codes(RULES_DIR / "result.py")
    assert reasons | more_reasons <= set(rules.common.REASONS)
    assert exclusions <= set(rules.common.EXCLUSIONS)


def test_messages_read_the_modules_texts():
    assert messages.reason_text("no_cofinancing") == (
        "Le projet doit être cofinancé par d'autres financeurs publics et privés."
    )
    assert (
        messages.exclusion_text("cap_reached")
        == rules.investissement_siae.EXCLUSIONS["cap_reached"]
    )
    assert messages.reason_text("applicant_kind").startswith("Ce type de structure")
    assert messages.exclusion_text("not_funded_by_scheme") == (
        "ce dispositif ne finance pas ce type de ligne"
    )
    assert messages.reason_text("a_code_nobody_words") == "a_code_nobody_words"


def test_parameter_labels_take_the_most_general_where_kinds_share_a_name():
    labels = rules.parameter_labels()
    assert labels["rate"] == "Taux"  # not aap_innovation's « Taux des dépenses de fonctionnement »
    assert labels["cap"] == "Plafond (€)"
    assert labels["applicant_kinds"] == "Structures éligibles"


# -- A new rule kind is one module: a package of its own, found without editing anything ----

SAMPLE = '''
"""A flat amount per position: a rule kind no region has, to show what a module declares."""

from aides.rules.common import check_applicant, exclude_unused
from aides.rules.params import AMOUNT, KIND_LIST, Param
from aides.rules.result import Outcome

KIND = "{kind}"
LABEL = "Forfait par poste"
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, ("ACI",), "Structures éligibles"),
    Param("per_position", AMOUNT, "{amount}", "Forfait par poste (€)"),
)
FORM = {{"positions": ("role", "etp", "annual_cost")}}
REASONS = {{"no_position": "{text}"}}


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    exclude_unused(outcome, {{"positions"}})
    if not case.positions:
        outcome.refuse("no_position")
    for index, _ in enumerate(case.positions):
        outcome.add(f"Poste n° {{index + 1}}", p["per_position"], ref=f"positions[{{index}}]")
    return outcome.finish()
'''


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package of rule modules in a temporary folder: ``write(name, source)``, then
    ``discover()`` it."""
    name = f"sample_rules_{abs(hash(tmp_path)) % 10**8}"
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))

    class Package:
        def write(self, module, source):
            (folder / f"{module}.py").write_text(textwrap.dedent(source))

        def discover(self):
            return discover(name, [str(folder)])

    yield Package()
    for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        del sys.modules[module]


def sample(kind="forfait_poste", amount="1500", text="Il faut au moins un poste."):
    return SAMPLE.format(kind=kind, amount=amount, text=text)


def test_a_new_module_is_found_and_computes(package):
    package.write("forfait_poste", sample())
    package.write("helpers", "SHARED = 1\n")  # no KIND: a shared piece, not a rule kind
    found = package.discover()
    assert list(found) == ["forfait_poste"]
    module = found["forfait_poste"]
    case = rules.parse_case(
        {"scheme": "x", "structure": {"kind": "ACI"}, "positions": [{"role": "insertion"}] * 2}
    )
    result = module.evaluate(case, rules.clean(module.PARAMETERS, {}))
    assert result.eligible and str(result.total) == "3000.00"
    no_case = rules.parse_case({"scheme": "x", "structure": {"kind": "ACI"}})
    empty = module.evaluate(no_case, rules.clean(module.PARAMETERS, {}))
    assert empty.reasons == ["no_position"]
    texts = merged_texts(found, "REASONS", rules.common.REASONS)
    assert texts["no_position"] == "Il faut au moins un poste."


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (sample().replace("def evaluate", "def compute"), "not evaluate"),
        (sample(kind="Forfait-Poste"), "is not a code"),
        (sample(kind="f" * 33), "is not a code"),
        (sample(amount="beaucoup"), "a default is refused"),
        (sample().replace('LABEL = "Forfait par poste"', 'LABEL = " "'), "LABEL is empty"),
    ],
)
def test_an_incomplete_declaration_is_refused_when_found(package, source, message):
    package.write("forfait_poste", source)
    with pytest.raises(DeclarationError, match=message):
        package.discover()


def test_a_kind_declared_twice_is_refused(package):
    package.write("forfait_poste", sample())
    package.write("forfait_poste_bis", sample())
    with pytest.raises(DeclarationError, match="already declared"):
        package.discover()


def test_a_code_worded_two_ways_is_refused(package):
    package.write("forfait_poste", sample())
    package.write("autre_forfait", sample(kind="autre_forfait", text="Aucun poste."))
    with pytest.raises(DeclarationError, match="already worded"):
        merged_texts(package.discover(), "REASONS", {})


# -- A scheme's rule kind: any registered kind, checked by the model, no migration -----------


@pytest.mark.django_db
def test_a_scheme_takes_a_registered_kind_and_refuses_another(package, monkeypatch):
    scheme = AidScheme(code="essai", name="Essai", origin_region="Grand Est")
    scheme.rule_kind = "forfait_poste"
    with pytest.raises(ValidationError) as refused:
        scheme.full_clean()
    assert set(refused.value.message_dict) == {"rule_kind"}
    assert "choix valide" in refused.value.message_dict["rule_kind"][0]

    package.write("forfait_poste", sample())
    monkeypatch.setitem(rules.RULES, "forfait_poste", package.discover()["forfait_poste"])
    scheme.full_clean()  # registered: accepted, the field's choices are read at each use
    assert ("forfait_poste", "Forfait par poste") in AidScheme._meta.get_field("rule_kind").choices


@pytest.mark.django_db
def test_a_scheme_without_amount_rule_says_who_decides(client):
    """The scheme page words it from the rule module (``AMOUNT_NOTE``), or the default."""
    from aides.models import AidScheme

    for scheme in AidScheme.objects.all():
        page = client.get(scheme.get_absolute_url()).content.decode().replace("&#x27;", "'")
        if scheme.has_amount_rule:
            assert "Pas de règle de calcul" not in page
        elif scheme.rule_kind == "manual":
            assert "les services vérifient l'éligibilité et fixent le montant." in page
        else:
            assert "le simulateur répond sur l'éligibilité, l'instructeur fixe le montant." in page
