"""Pure rule modules, one per rule kind: plain data in, a ``Result`` out, no database.

A rule kind declares itself in its own module of this package, which the registry finds
(``RULES``, by scanning the package): adding a rule kind is adding a module and its tests,
with no list, enum or migration to edit. A rule module declares:

- ``KIND``: its code (lower-case letters, digits and ``_``, at most 32 characters), stored
  on the schemes of that kind; ``LABEL``: what it computes, in French, for the staff;
- ``PARAMETERS``: its ``params.Param``, each with its default, checked by ``params.clean``;
  optionally ``check_parameters(values)`` for the checks across parameters;
- ``FORM``: the input sections and fields it reads (what the simulator and the dossier ask);
- optionally ``ACCEPTS``: what it funds, per line field (see ``accepted``);
- optionally ``REASONS`` and ``EXCLUSIONS``: its own codes in French (why an application
  is refused, why a line is left out), beside the shared ones of ``common``;
- optionally ``HAS_AMOUNT_RULE = False`` when staff set the amount, and ``AMOUNT_NOTE``, what
  the scheme's page says then (``amount_note``);
- ``evaluate(case, parameters)``: the ``Result``.

``evaluate(rule_kind, data, parameters)`` applies a kind's rule to a parsed case with the
scheme's parameters (typed by ``params.clean``).
"""

import importlib
import pkgutil
import re
import unicodedata

from . import common
from .case import BadInput, parse_case
from .params import ParameterError, clean

REQUIRED = ("KIND", "LABEL", "PARAMETERS", "FORM", "evaluate")
KIND_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")  # AidScheme.rule_kind holds 32 characters

__all__ = [
    "EXCLUSION_TEXTS",
    "REASON_TEXTS",
    "RULES",
    "BadInput",
    "DeclarationError",
    "ParameterError",
    "accepted",
    "amount_note",
    "clean",
    "clean_parameters",
    "discover",
    "evaluate",
    "has_amount_rule",
    "kind_choices",
    "parameter_labels",
    "parse_case",
]


class DeclarationError(Exception):
    """A rule module that does not declare what a rule kind must (raised at import)."""


def check_declaration(module):
    """``module`` declares a rule kind completely and consistently, or ``DeclarationError``."""
    name = module.__name__
    missing = [attribute for attribute in REQUIRED if not hasattr(module, attribute)]
    if missing:
        raise DeclarationError(f"{name} declares a KIND but not {', '.join(missing)}")
    if not isinstance(module.KIND, str) or not KIND_CODE.fullmatch(module.KIND):
        raise DeclarationError(
            f"{name}: KIND {module.KIND!r} is not a code (a-z, 0-9, _; at most 32)"
        )
    if not isinstance(module.LABEL, str) or not module.LABEL.strip():
        raise DeclarationError(f"{name}: LABEL is empty")
    names = [param.name for param in module.PARAMETERS]
    if len(set(names)) != len(names):
        raise DeclarationError(f"{name}: two PARAMETERS share a name")
    try:
        values = clean(module.PARAMETERS, {})
        check = getattr(module, "check_parameters", None)
        if check is not None:
            check(values)
    except ParameterError as error:
        raise DeclarationError(f"{name}: a default is refused ({error})") from error
    for field, declared in getattr(module, "ACCEPTS", {}).items():
        if isinstance(declared, str) and declared not in names:
            raise DeclarationError(f"{name}: ACCEPTS[{field!r}] names no parameter")


def discover(package=__name__, path=__path__):
    """``{kind: module}`` of the rule modules of ``package`` (those declaring ``KIND``),
    sorted by kind; each checked (``check_declaration``), no kind declared twice."""
    found = {}
    for info in sorted(pkgutil.iter_modules(path), key=lambda info: info.name):
        module = importlib.import_module(f"{package}.{info.name}")
        if not hasattr(module, "KIND"):
            continue  # a shared piece (case, params, result, common)
        check_declaration(module)
        if module.KIND in found:
            raise DeclarationError(
                f"{module.__name__}: KIND {module.KIND!r} is already declared by "
                f"{found[module.KIND].__name__}"
            )
        found[module.KIND] = module
    return dict(sorted(found.items()))


def merged_texts(modules, attribute, shared):
    """The shared texts and each module's own (``attribute``): one text per code, a code
    two modules word differently is a ``DeclarationError`` (the pages show one text)."""
    texts = dict(shared)
    for module in modules.values():
        for code, text in getattr(module, attribute, {}).items():
            if texts.setdefault(code, text) != text:
                raise DeclarationError(
                    f"{module.__name__}: {attribute}[{code!r}] is already worded {texts[code]!r}"
                )
    return texts


RULES = discover()
REASON_TEXTS = merged_texts(RULES, "REASONS", common.REASONS)
EXCLUSION_TEXTS = merged_texts(RULES, "EXCLUSIONS", common.EXCLUSIONS)


def kind_choices():
    """``[(kind, label)]`` of the registered rule kinds, by label: the choices of a scheme's
    rule kind (a callable, so a new kind needs no migration)."""
    return sorted(((kind, module.LABEL) for kind, module in RULES.items()), key=_label_order)


def _label_order(choice):
    """French order: « Éligibilité » with the E's, not after the Z's."""
    plain = unicodedata.normalize("NFKD", choice[1]).encode("ascii", "ignore").decode()
    return plain.casefold(), choice[0]


def parameter_labels():
    """``{name: label}`` of every kind's parameters; where kinds share a name with their
    own labels, the shortest (the most general: ``Taux`` rather than ``Taux des dépenses
    de fonctionnement``), since a name alone does not say the kind."""
    labels = {}
    for module in RULES.values():
        for param in module.PARAMETERS:
            known = labels.get(param.name)
            if known is None or (len(param.label), param.label) < (len(known), known):
                labels[param.name] = param.label
    return labels


def clean_parameters(rule_kind, raw):
    """Typed parameters of ``rule_kind``, each checked, then checked together where the
    rule module says how (``check_parameters``); raises ``ParameterError``."""
    module = RULES[rule_kind]
    values = clean(module.PARAMETERS, raw)
    check = getattr(module, "check_parameters", None)
    if check is not None:
        check(values)
    return values


def accepted(rule_kind, parameters):
    """What a rule kind funds, for each line field that names it (``role``, ``category``,
    ``function``, ``type``): ``{field: [(code, wording or None)]}``, in the rule's order.

    A rule module declares ``ACCEPTS``: per field, either ``{code: wording}`` (the scheme's
    words, ``None`` for the vocabulary's label) or the name of the parameter that lists the
    codes (a region may change it). A field it does not name takes every code."""
    return {
        field: (
            [(code, None) for code in parameters[declared]]
            if isinstance(declared, str)
            else list(declared.items())
        )
        for field, declared in getattr(RULES[rule_kind], "ACCEPTS", {}).items()
    }


NO_AMOUNT_RULE = "le simulateur répond sur l'éligibilité, l'instructeur fixe le montant."


def amount_note(rule_kind):
    """For a kind without an amount rule, who decides and how, in French."""
    return getattr(RULES[rule_kind], "AMOUNT_NOTE", NO_AMOUNT_RULE)


def has_amount_rule(rule_kind):
    return getattr(RULES[rule_kind], "HAS_AMOUNT_RULE", True)


def evaluate(rule_kind, case, parameters):
    """``case``: a parsed ``Case``; ``parameters``: typed values (``params.clean``)."""
    return RULES[rule_kind].evaluate(case, parameters)
