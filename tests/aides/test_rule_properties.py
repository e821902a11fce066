"""Properties every scheme's rule keeps, on random inputs within the contract's vocabularies
(aid-rules.md, "The simulation contract"): money well formed, totals that add up, refusals
that fund nothing, caps never exceeded, and a higher cost never lowering the aid."""

import functools
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from aides.rules.case import (
    CONTRACTS,
    CRITERIA,
    EXPENSE_CATEGORIES,
    FUNCTIONS,
    KINDS,
    RATE_MODES,
    ROLES,
    TRAINING_TYPES,
    Flags,
)
from tests.aides.helpers import SCHEME_CODES, has_amount_rule, params, result

MONEY = re.compile(r"^\d+\.\d{2}$")
REF = re.compile(r"^(positions|expenses|trainings)\[(\d+)\]$")
CENT = Decimal("0.01")
PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    # The autouse password-hasher fixture of tests/conftest.py does not touch these pure rules.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ARSIE modalities: rate and cap (aid-rules.md § 7).
ARSIE = {
    "etude_faisabilite_interne": (Decimal("0.80"), 7500),
    "etude_faisabilite_externe": (Decimal("0.80"), 15000),
    "investissement": (Decimal("0.70"), 30000),
    "etude_repositionnement": (Decimal("0.80"), 15000),
    "demarrage_geiq": (Decimal(1), 15000),
}

# Values each scheme funds. Half the cases are "focused": drawn from these values and from
# ranges that meet the scheme's conditions, so that many of them are eligible; the other half
# draw from the whole vocabulary of the contract.
FAVOURED = {
    "pc-emplois-tremplin-environnement": {
        "roles": ("encadrement", "execution"),
        "categories": ("equipement",),
    },
    "fc-tremplin-solidarites": {"roles": ("insertion",), "contracts": ("CDDI",)},
    "idf-emploi-tremplin-iae": {
        "roles": ("insertion",),
        "contracts": ("CDI",),
        "max_positions": 24,
    },
    "bzh-fonctions-mutualisees": {
        "roles": ("fonction_mutualisee",),
        "contracts": ("CDI",),
        "functions": ("developpement_commercial", "grh"),
    },
    "mp-recrutement-jeunes": {"contracts": ("CDD", "CONTRAT_PRO", "CDI")},
    "ra-aci-encadrement-formation": {
        "roles": ("encadrant_technique", "charge_insertion"),
        "training_types": TRAINING_TYPES[:4],  # savoirs_de_base … hygiene_securite
    },
    "idf-arsie": {"categories": tuple(ARSIE)},
    "ca-equipes-insertion": {
        "roles": ("chef_equipe",),
        "categories": ("investissement",),
        "full_time": True,
    },
    "fc-investissement-siae": {"categories": ("materiel", "immobilier")},
}
FLAGS = tuple(name for name in Flags.__dataclass_fields__ if name != "beneficiary_contribution")


def money(max_value, min_cents=0):
    # Whole cents drawn as integers: the same values as st.decimals(places=2), far cheaper.
    return st.integers(min_cents, max_value * 100).map(lambda c: Decimal(c).scaleb(-2))


class Vocabulary:
    """Strategies for one scheme's cases, ``focused`` or over the whole vocabulary."""

    def __init__(self, code, focused):
        self.hints = FAVOURED.get(code, {})
        self.applicants = params(code)["applicant_kinds"]
        self.focused = focused

    def choice(self, hint, everything, *, optional=False):
        favoured = self.hints.get(hint) if hint else None
        if self.focused and favoured:
            return st.sampled_from(favoured)
        values = st.sampled_from(everything)
        return st.one_of(st.none(), values) if optional else values

    def flag(self, value):
        return st.just(value) if self.focused else st.booleans()

    def between(self, low, high, focused_low):
        return st.integers(focused_low if self.focused else low, high)

    def holder(self):
        return st.fixed_dictionaries(
            {
                "age": st.integers(16, 26) if self.focused else st.none() | st.integers(14, 30),
                "qualified": self.flag(False),
                "qpv": self.flag(True),
                "zrr": st.booleans(),
            }
        )

    def etp(self):
        if not self.focused:
            return money(1, min_cents=1)
        half_or_more = money(1, min_cents=50)
        return st.just(Decimal(1)) | half_or_more if self.hints.get("full_time") else half_or_more

    def position(self):
        return st.fixed_dictionaries(
            {
                "role": self.choice("roles", ROLES),
                "etp": self.etp(),
                "annual_cost": money(80000),
                "contract": self.choice("contracts", CONTRACTS, optional=True),
                "contract_months": self.between(0, 24, 6) | st.none(),
                "rsa_socle": self.flag(False),
                "criteria": st.lists(st.sampled_from(CRITERIA), max_size=3, unique=True),
                "function": self.choice("functions", FUNCTIONS, optional=True),
                "holder": self.holder(),
            }
        )

    def expense(self):
        return st.fixed_dictionaries(
            {
                "category": self.choice("categories", EXPENSE_CATEGORIES),
                "amount": money(300000),
                "waste_sorting": st.booleans(),
            }
        )

    def training(self):
        return st.fixed_dictionaries(
            {
                "cost": money(10000),
                "type": self.choice("training_types", TRAINING_TYPES, optional=True),
                "provider_is_employer": self.flag(False),
                "requested_at_hiring": self.flag(True),
            }
        )

    def team(self):
        return st.fixed_dictionaries(
            {
                "members_count": st.integers(0, 12),
                "members_etp": money(8, min_cents=400 if self.focused else 0),
                "half_time_count": st.integers(0, 10),
                "contrats_aides_count": st.integers(0, 8),
                "simultaneous_insertion": self.between(0, 30, 1),
                "insertion_in_action": self.between(0, 12, 4),
                "young_share": money(1, min_cents=20 if self.focused else 0),
            }
        )

    def flags(self):
        contribution = money(5000, min_cents=1) if self.focused else money(50000)
        return st.fixed_dictionaries(
            {
                **{name: self.flag(True) for name in FLAGS},
                "beneficiary_contribution": contribution,
            }
        )

    def case(self):
        kinds = st.sampled_from(self.applicants) if self.focused else st.sampled_from(KINDS)
        min_size = 1 if self.focused else 0
        return st.fixed_dictionaries(
            {
                "structure": st.fixed_dictionaries({"kind": kinds}),
                "positions": st.lists(
                    self.position(),
                    min_size=min_size,
                    max_size=self.hints.get("max_positions", 5),
                ),
                "expenses": st.lists(self.expense(), min_size=min_size, max_size=4),
                "trainings": st.lists(self.training(), min_size=min_size, max_size=3),
                "team": self.team(),
                "flags": self.flags(),
                "operating_expenses": money(100000),
                "aides_au_poste_already_funded": money(10000 if self.focused else 40000),
            },
            optional={
                "years": st.integers(1, 10),
                "rate_mode": st.sampled_from(RATE_MODES),
            },
        )


@functools.cache
def cases(code):
    return Vocabulary(code, focused=True).case() | Vocabulary(code, focused=False).case()


def cents(amount):
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def item(case, ref):
    section, index = REF.match(ref).groups()
    return case[section][int(index)]


# -- Caps, per scheme: ``check(case, res)`` asserts each line stays within its cap ----------


def _tremplin_environnement(case, res):
    caps = {"encadrement": Decimal(10000), "execution": Decimal(5000)}
    for line in res.lines:
        assert line.year <= 4
        if line.ref == "expenses":
            assert line.year == 1
            assert line.amount <= 3000
        else:
            position = item(case, line.ref)
            assert line.amount <= cents(caps[position["role"]] * position["etp"])


def _tremplin_solidarites(case, res):
    for line in res.lines:
        assert line.year == 1
        if line.ref.startswith("trainings"):
            assert line.amount <= 2400
            assert line.amount <= cents(item(case, line.ref)["cost"] * Decimal("0.75"))
        else:
            assert line.amount == cents(3000 * item(case, line.ref)["etp"])


def _emploi_tremplin_iae(case, res):
    for line in res.lines:
        assert line.year == 1
        assert line.amount <= cents(2000 * item(case, line.ref)["etp"])
    if case["structure"]["kind"] == "AI":
        assert res.total <= 20 * 2000
    if case["structure"]["kind"] in {"EI", "RQ"}:
        assert len(res.lines) <= 5


def _fonctions_mutualisees(case, res):
    for line in res.lines:
        assert 1 <= line.year <= case.get("years", 1)
        assert line.amount <= 30000
        assert line.amount <= item(case, line.ref)["annual_cost"]
    for row in res.schedule:
        posts = {line.ref for line in res.lines if line.year == row["year"]}
        assert row["amount"] <= 30000 * len(posts)


def _encadrement_formation(case, res):
    supervision = [
        p for p in case["positions"] if p["role"] in {"encadrant_technique", "charge_insertion"}
    ]
    for line in res.lines:
        assert line.year == 1
        if line.ref == "positions":
            ratio_cap = Decimal(20000) * case["team"]["simultaneous_insertion"] / 8
            assert line.amount <= cents(ratio_cap)
            assert line.amount <= cents(20000 * sum(p["etp"] for p in supervision))
            assert line.amount <= sum(p["annual_cost"] for p in supervision)
        else:
            assert line.amount == cents(item(case, line.ref)["cost"] / 2)


def _arsie(case, res):
    # Per modality: its lines summed, at its rate, then capped (the lines carry no modality,
    # so the multiset of line_amounts is compared).
    if not res.eligible:
        return
    kind = case["structure"]["kind"]
    spent = {}
    for expense in case["expenses"]:
        category = expense["category"]
        if category not in ARSIE:
            continue
        if kind == "PORTEUR_PROJET" and not category.startswith("etude_faisabilite"):
            continue
        if category == "demarrage_geiq" and kind != "GEIQ":
            continue
        spent[category] = spent.get(category, 0) + expense["amount"]
    expected = [cents(min(total * ARSIE[c][0], ARSIE[c][1])) for c, total in spent.items()]
    assert sorted(line.amount for line in res.lines) == sorted(a for a in expected if a > 0)
    assert all(line.year == 1 for line in res.lines)


def _equipes_insertion(case, res):
    investment_cap = 22500 if case["structure"]["kind"] == "ACI" else 9000
    for line in res.lines:
        if line.ref == "team":
            assert line.amount == 600 * (case["team"]["members_count"] + 1)
            assert line.year == 1
        elif line.ref == "expenses":
            assert line.amount <= investment_cap
            assert line.year == 1
        else:
            # Only the first chef_equipe post is funded.
            leader = next(i for i, p in enumerate(case["positions"]) if p["role"] == "chef_equipe")
            assert line.ref == f"positions[{leader}]"
            assert line.amount <= 30000
            assert line.year <= 4


def _investissement_siae(case, res):
    assert res.total <= 200000
    for line in res.lines:
        assert line.year == 1
        assert line.amount <= cents(item(case, line.ref)["amount"] * Decimal("0.80"))


def _aap_innovation(case, res):
    assert res.total <= 25000
    assert res.total <= cents(case["operating_expenses"] / 2)
    assert all(line.year == 1 for line in res.lines)


def _no_amount(case, res):
    assert res.lines == []


CAPS = {
    "pc-emplois-tremplin-environnement": _tremplin_environnement,
    "fc-tremplin-solidarites": _tremplin_solidarites,
    "idf-emploi-tremplin-iae": _emploi_tremplin_iae,
    "bzh-fonctions-mutualisees": _fonctions_mutualisees,
    "mp-recrutement-jeunes": _no_amount,
    "ra-aci-encadrement-formation": _encadrement_formation,
    "idf-arsie": _arsie,
    "ca-equipes-insertion": _equipes_insertion,
    "fc-investissement-siae": _investissement_siae,
    "mp-aap-innovation": _aap_innovation,
    "corse-et-iae": _no_amount,
    "aquitaine-accord-cadre-formation": _no_amount,
    "sl-outils-iae": _no_amount,
}


def test_every_scheme_has_its_caps_checked():
    assert set(CAPS) == set(SCHEME_CODES)


@pytest.mark.parametrize("code", SCHEME_CODES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_output_is_well_formed(code, data):
    case = data.draw(cases(code), label="case")
    res = result(code, **case)
    output = res.to_dict()
    event("eligible" if output["eligible"] else "refused")  # --hypothesis-show-statistics

    line_amounts = [line["amount"] for line in output["lines"]]
    schedule_amounts = [row["amount"] for row in output["schedule"]]
    for amount in [*line_amounts, *schedule_amounts]:
        assert MONEY.match(amount), amount  # two decimals, never negative
        assert Decimal(amount) > 0  # a line rounding to zero is not listed

    years = [row["year"] for row in output["schedule"]]
    assert years == sorted(set(years))
    assert all(year >= 1 for year in years)
    assert {line["year"] for line in output["lines"]} == set(years)

    if has_amount_rule(code):
        assert MONEY.match(output["total"])
        total = Decimal(output["total"])
        assert total == sum(map(Decimal, line_amounts), Decimal(0))
        assert total == sum(map(Decimal, schedule_amounts), Decimal(0))
    else:
        assert output["total"] is None
        assert output["lines"] == []
        assert output["schedule"] == []

    if output["eligible"]:
        assert output["reasons"] == []
        if has_amount_rule(code):
            assert Decimal(output["total"]) > 0
    else:
        assert output["reasons"]
        assert output["lines"] == []
        assert output["schedule"] == []
        assert output["total"] == ("0.00" if has_amount_rule(code) else None)

    refs = [row["ref"] for row in output["excluded"]]
    assert len(refs) == len(set(refs)), refs
    for ref in refs:
        section, index = REF.match(ref).groups()
        assert int(index) < len(case[section])

    CAPS[code](case, res)


COST_FIELDS = {"positions": "annual_cost", "expenses": "amount", "trainings": "cost"}


def _raise(case, target, increment):
    """``case`` with the cost named by ``target`` raised by ``increment``."""
    raised = {**case, **{section: [dict(x) for x in case[section]] for section in COST_FIELDS}}
    if target == ("operating_expenses",):
        raised["operating_expenses"] = case["operating_expenses"] + increment
    else:
        section, index, field = target
        raised[section][index][field] += increment
    return raised


@pytest.mark.parametrize("code", [code for code in SCHEME_CODES if has_amount_rule(code)])
@PROPERTY_SETTINGS
@given(data=st.data())
def test_a_higher_cost_never_lowers_the_total(code, data):
    case = data.draw(cases(code), label="case")
    targets = [("operating_expenses",)] + [
        (section, index, field)
        for section, field in COST_FIELDS.items()
        for index in range(len(case[section]))
    ]
    target = data.draw(st.sampled_from(targets), label="raised")
    increment = data.draw(money(100000, min_cents=1), label="increment")
    before = Decimal(result(code, **case).to_dict()["total"])
    after = Decimal(result(code, **_raise(case, target, increment)).to_dict()["total"])
    assert after >= before
