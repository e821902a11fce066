"""Île-de-France, Emploi-tremplin-IAE (aid-rules.md § 3)."""

from decimal import Decimal

import pytest

from .helpers import excluded, line_amounts, params, post, run, schedule

IDF = "idf-emploi-tremplin-iae"
PRIORITY = ["jeune", "senior", "politique_de_la_ville", "developpement_durable"]
NON_PRIORITY = ["taux_encadrement", "politique_sociale"]


def idf(kind, *positions, parameters=None, **data):
    return run(
        IDF, parameters=parameters, structure={"kind": kind}, positions=list(positions), **data
    )


def insertion(etp=1, contract="CDDI", criteria=(), **extra):
    return post(
        "insertion", etp=etp, annual_cost=17000, contract=contract, criteria=list(criteria), **extra
    )


def cdi(etp=1, **extra):
    return insertion(etp=etp, contract="CDI", **extra)


# -- Applicants --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["ETTI", "EITI", "GEIQ", "ASSOCIATION", "EPCI", "CREPI", "PORTEUR_PROJET", None]
)
def test_other_applicants_are_refused(kind):
    output = idf(kind, cdi(criteria=["jeune"]))
    assert output["eligible"] is False
    assert output["reasons"] == ["applicant_kind"]
    assert output["total"] == "0.00"
    assert output["lines"] == []
    assert output["schedule"] == []


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("ACI", "1000.00"), ("AI", "1000.00"), ("EI", "2000.00"), ("RQ", "2000.00")],
)
def test_aci_ai_ei_rq_may_apply(kind, expected):
    output = idf(kind, cdi())
    assert output["eligible"] is True
    assert output["total"] == expected


# -- Insertion posts only, RSA socle excluded -------------------------------------------------


@pytest.mark.parametrize("kind", ["ACI", "AI", "EI", "RQ"])
@pytest.mark.parametrize("role", ["encadrement", "encadrant_technique", "administratif"])
def test_only_insertion_posts_count(kind, role):
    output = idf(kind, post(role, contract="CDI", criteria=["jeune"]), cdi(etp=0.5))
    assert excluded(output) == {"positions[0]": "role_not_funded"}
    assert len(output["lines"]) == 1


@pytest.mark.parametrize("kind", ["ACI", "AI", "EI", "RQ"])
def test_rsa_socle_posts_are_excluded(kind):
    output = idf(kind, cdi(rsa_socle=True, criteria=["jeune", "senior"]), cdi())
    assert excluded(output) == {"positions[0]": "rsa_socle"}
    assert [line["label"].startswith("Poste n° 2") for line in output["lines"]] == [True]


def test_only_rsa_socle_posts_is_nothing_to_fund():
    output = idf("ACI", insertion(rsa_socle=True, criteria=["jeune"]))
    assert output["eligible"] is False
    assert output["total"] == "0.00"


def test_one_year_per_application():
    output = idf("ACI", insertion(criteria=["jeune"]), years=4)
    assert schedule(output) == {1: "2000.00"}


# -- ACI ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("criterion", PRIORITY)
def test_aci_one_priority_criterion_gives_2000(criterion):
    assert idf("ACI", insertion(criteria=[criterion]))["total"] == "2000.00"


@pytest.mark.parametrize(
    "criteria",
    [[], ["taux_encadrement"], ["politique_sociale"], NON_PRIORITY],
    ids=["none", "taux_encadrement", "politique_sociale", "both non-priority"],
)
def test_aci_without_a_priority_criterion_gives_1000(criteria):
    assert idf("ACI", insertion(criteria=criteria))["total"] == "1000.00"


def test_aci_several_criteria_still_give_2000():
    assert idf("ACI", insertion(criteria=[*PRIORITY, *NON_PRIORITY]))["total"] == "2000.00"


def test_aci_amount_per_etp():
    # 2 000 × 0.5 = 1 000; 1 000 × 0.5 = 500; 2 000 × 0.75 = 1 500; any contract.
    output = idf(
        "ACI",
        insertion(etp=0.5, criteria=["senior"]),
        insertion(etp=0.5, contract="CDI", criteria=["taux_encadrement"]),
        insertion(etp=Decimal("0.75"), contract="CUI-CAE", criteria=["jeune"]),
    )
    assert line_amounts(output) == ["1000.00", "500.00", "1500.00"]
    assert output["total"] == "3000.00"


def test_aci_has_no_etp_or_post_limit():
    # 25 posts of 1 ETP at 1 000: 25 000, none left out.
    output = idf("ACI", *[insertion() for _ in range(25)])
    assert output["total"] == "25000.00"
    assert output["excluded"] == []


# -- AI ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ([], "1000.00"),
        (["jeune"], "1500.00"),
        (["taux_encadrement"], "1500.00"),
        (["politique_sociale"], "1500.00"),
        (["jeune", "taux_encadrement"], "2000.00"),
        (["taux_encadrement", "politique_sociale"], "2000.00"),
        (["senior", "politique_de_la_ville", "developpement_durable"], "2000.00"),
        ([*PRIORITY, *NON_PRIORITY], "2000.00"),
    ],
)
def test_ai_tiers_by_counted_criteria(criteria, expected):
    assert idf("AI", insertion(criteria=criteria))["total"] == expected


def test_ai_a_criterion_given_twice_counts_once():
    assert idf("AI", insertion(criteria=["jeune", "jeune"]))["total"] == "1500.00"


def test_ai_amount_per_etp():
    # 1 500 × 0.5 = 750.
    assert idf("AI", insertion(etp=0.5, criteria=["senior"]))["total"] == "750.00"


def test_ai_twenty_etp_are_all_funded():
    # 20 posts of 1 ETP at 1 000 = 20 000, nothing left out.
    output = idf("AI", *[insertion() for _ in range(20)])
    assert output["total"] == "20000.00"
    assert output["excluded"] == []


def test_ai_the_21st_etp_is_left_out_ties_keep_the_order_given():
    # 21 equal posts: the first 20 given are funded (20 000), the last one is excluded.
    output = idf("AI", *[insertion() for _ in range(21)])
    assert output["total"] == "20000.00"
    assert excluded(output) == {"positions[20]": "etp_limit_reached"}


def test_ai_a_post_straddling_the_limit_counts_for_the_part_that_fits():
    # 19 posts of 1 ETP + one of 0.5 = 19.5 ETP at 1 000 = 19 500; the next post of 1 ETP
    # counts for 0.5 ETP: 500; the one after is left out. Total 20 000.
    posts = [insertion() for _ in range(19)] + [insertion(etp=0.5), insertion(), insertion()]
    output = idf("AI", *posts)
    amounts = line_amounts(output)
    assert amounts[19:] == ["500.00", "500.00"]
    assert len(amounts) == 21
    assert output["total"] == "20000.00"
    assert excluded(output) == {"positions[21]": "etp_limit_reached"}
    assert "part retenue" in output["lines"][20]["label"]


def test_ai_best_paid_posts_first():
    # 21 posts at 1 000 given first, then one at 2 000 (two criteria), all 1 ETP.
    # The 2 000 post is retained first, then the first 19 posts at 1 000:
    # 2 000 + 19 000 = 21 000; positions[19] and positions[20] are left out.
    posts = [insertion() for _ in range(21)] + [insertion(criteria=["jeune", "senior"])]
    output = idf("AI", *posts)
    assert output["total"] == "21000.00"
    assert excluded(output) == {
        "positions[19]": "etp_limit_reached",
        "positions[20]": "etp_limit_reached",
    }


def test_ai_straddling_post_is_the_worst_paid_one():
    # Given: a 1 000 post (1 ETP), 39 posts of 0.5 ETP at 2 000 (19.5 ETP), a 1 500 post
    # (1 ETP). Best-paid first: 19.5 × 2 000 = 39 000, then the 1 500 post for the 0.5 ETP
    # that fits (750); the 1 000 post, given first, is left out. Total 39 750.
    posts = (
        [insertion(etp=1, criteria=[])]
        + [insertion(etp=0.5, criteria=["jeune", "senior"]) for _ in range(39)]
        + [insertion(etp=1, criteria=["jeune"])]
    )
    output = idf("AI", *posts)
    assert output["total"] == "39750.00"
    assert excluded(output) == {"positions[0]": "etp_limit_reached"}


def test_ai_ties_among_best_paid_keep_the_order_given():
    # 22 posts at 1 500 (one criterion): the first 20 given are kept (30 000),
    # positions[20] and positions[21] are left out.
    output = idf("AI", *[insertion(criteria=["senior"]) for _ in range(22)])
    assert output["total"] == "30000.00"
    assert excluded(output) == {
        "positions[20]": "etp_limit_reached",
        "positions[21]": "etp_limit_reached",
    }


# -- EI and RQ ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["EI", "RQ"])
@pytest.mark.parametrize("contract", ["CDDI", "CDD", "CUI-CIE", "CUI-CAE", "CONTRAT_PRO", None])
def test_ei_rq_cdi_only(kind, contract):
    output = idf(kind, insertion(contract=contract), cdi())
    assert excluded(output) == {"positions[0]": "contract_not_eligible"}
    assert output["total"] == "2000.00"


@pytest.mark.parametrize("kind", ["EI", "RQ"])
def test_ei_rq_exactly_five_posts_are_funded(kind):
    output = idf(kind, *[cdi() for _ in range(5)])
    assert output["total"] == "10000.00"
    assert output["excluded"] == []


@pytest.mark.parametrize("kind", ["EI", "RQ"])
def test_ei_rq_the_sixth_post_is_excluded(kind):
    output = idf(kind, *[cdi() for _ in range(6)])
    assert output["total"] == "10000.00"
    assert excluded(output) == {"positions[5]": "post_limit_reached"}


def test_ei_rq_the_limit_is_on_posts_not_etp():
    # Six half-time CDI: the first five count (5 × 1 000 = 5 000), not 6 × 0.5 = 3 ETP.
    output = idf("EI", *[cdi(etp=0.5) for _ in range(6)])
    assert output["total"] == "5000.00"
    assert excluded(output) == {"positions[5]": "post_limit_reached"}


def test_ei_rq_all_posts_are_paid_alike_so_the_first_five_given_are_kept():
    # Five half-time CDI given first (5 × 1 000), then a full-time CDI: every post is paid
    # 2 000 per ETP ("all equal, so the first five given"), the sixth is left out.
    output = idf("RQ", *[cdi(etp=0.5) for _ in range(5)], cdi(etp=1))
    assert output["total"] == "5000.00"
    assert excluded(output) == {"positions[5]": "post_limit_reached"}


def test_ei_rq_excluded_posts_do_not_use_a_place():
    # A CDDI and an RSA socle CDI among seven posts: the five eligible CDI are all funded.
    output = idf(
        "EI",
        insertion(contract="CDDI"),
        cdi(),
        cdi(rsa_socle=True),
        cdi(),
        cdi(),
        cdi(),
        cdi(),
    )
    assert output["total"] == "10000.00"
    assert excluded(output) == {
        "positions[0]": "contract_not_eligible",
        "positions[2]": "rsa_socle",
    }


def test_ei_criteria_do_not_matter():
    output = idf("EI", cdi(criteria=["jeune", "senior"]), cdi(etp=Decimal("0.6")))
    assert line_amounts(output) == ["2000.00", "1200.00"]


# -- Parameters drive the rule -----------------------------------------------------------------


def test_ai_max_etp_parameter():
    # Limit set to 2 ETP: three 1-ETP posts at 1 000 → 2 000, the third left out.
    output = idf("AI", insertion(), insertion(), insertion(), parameters=params(IDF, ai_max_etp=2))
    assert output["total"] == "2000.00"
    assert excluded(output) == {"positions[2]": "etp_limit_reached"}


def test_ai_tiers_and_criteria_parameters():
    # Tiers 500 / 800 and only "jeune" counted: "senior" alone is 500, "jeune" is 800.
    parameters = params(IDF, ai_tiers=["500", "800"], ai_criteria=["jeune"])
    output = idf(
        "AI",
        insertion(criteria=["senior"]),
        insertion(criteria=["jeune", "senior"]),
        parameters=parameters,
    )
    assert line_amounts(output) == ["800.00", "500.00"]  # best-paid first


def test_aci_amount_and_criteria_parameters():
    # taux_encadrement made a priority criterion, and priority paid 3 000.
    parameters = params(
        IDF, aci_criteria=["taux_encadrement"], aci_priority_amount="3000", aci_amount="1200"
    )
    output = idf(
        "ACI",
        insertion(criteria=["taux_encadrement"]),
        insertion(criteria=["jeune"]),
        parameters=parameters,
    )
    assert line_amounts(output) == ["3000.00", "1200.00"]


def test_ei_rq_parameters():
    # Two posts at most, 1 800 € each, CDDI allowed too.
    parameters = params(
        IDF, ei_rq_max_posts=2, ei_rq_amount="1800", ei_rq_contracts=["CDI", "CDDI"]
    )
    output = idf("RQ", insertion(contract="CDDI"), cdi(), cdi(), parameters=parameters)
    assert output["total"] == "3600.00"
    assert excluded(output) == {"positions[2]": "post_limit_reached"}
