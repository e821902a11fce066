"""Île-de-France, Emploi-tremplin-IAE (aid-rules.md § 3).

ACI, AI, EI, RQ; insertion posts only, RSA socle posts excluded; one year.
- ACI: 2,000 € per ETP when the post meets a regional priority criterion, else 1,000 €.
- AI: 1,000 / 1,500 / 2,000 € per ETP for 0 / 1 / 2+ counted criteria, 20 ETP at most, the
  best-paid posts first (ties: the order given), a post straddling the limit counting for
  the part that fits.
- EI and RQ: 2,000 € per ETP for CDI posts only, five posts at most, the best-paid first.
"""

from decimal import Decimal

from .case import CONTRACTS, CRITERIA
from .common import check_applicant, exclude_unused
from .params import AMOUNT, AMOUNTS, CODES, COUNT, KIND_LIST, Param
from .result import Outcome, euros, num

KIND = "emploi_tremplin_iae"
LABEL = "Aide au poste par ETP selon le type de SIAE et les critères prioritaires"
PRIORITY = ("jeune", "senior", "politique_de_la_ville", "developpement_durable")
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, ("ACI", "AI", "EI", "RQ"), "Structures éligibles"),
    Param("aci_amount", AMOUNT, "1000", "ACI : montant par ETP (€)"),
    Param("aci_priority_amount", AMOUNT, "2000", "ACI : montant par ETP avec un critère prioritaire (€)"),
    Param("aci_criteria", CODES, PRIORITY, "ACI : critères prioritaires", CRITERIA),
    Param("ai_tiers", AMOUNTS, ("1000", "1500", "2000"), "AI : montant par ETP pour 0, 1, 2 critères et plus (€)"),
    Param("ai_criteria", CODES, (*PRIORITY, "taux_encadrement", "politique_sociale"), "AI : critères comptés", CRITERIA),
    Param("ai_max_etp", COUNT, 20, "AI : nombre maximal d'ETP"),
    Param("ei_rq_amount", AMOUNT, "2000", "EI et RQ : montant par ETP (€)"),
    Param("ei_rq_contracts", CODES, ("CDI",), "EI et RQ : contrats aidés", CONTRACTS),
    Param("ei_rq_max_posts", COUNT, 5, "EI et RQ : nombre maximal de postes"),
)  # fmt: skip
FORM = {"positions": ("role", "etp", "annual_cost", "contract", "rsa_socle", "criteria")}
ACCEPTS = {"role": {"insertion": "Poste d'insertion"}}
# Its own codes in French (why a line is left out); the shared ones are in common.py.
EXCLUSIONS = {
    "rsa_socle": "les postes occupés par un bénéficiaire du RSA socle sont exclus",
    "etp_limit_reached": "le nombre maximal d'ETP aidés est atteint",
    "post_limit_reached": "le nombre maximal de postes aidés est atteint",
}  # fmt: skip


def _insertion_posts(outcome, case):
    for index, position in enumerate(case.positions):
        ref = f"positions[{index}]"
        if position.role != "insertion":
            outcome.exclude(ref, "role_not_funded")
        elif position.rsa_socle:
            outcome.exclude(ref, "rsa_socle")
        else:
            yield index, ref, position


def _best_paid_first(posts):
    """Posts as ``(index, ref, position, amount per ETP)``, best-paid first; ``sorted`` is
    stable, so among equal amounts the order given is kept."""
    return sorted(posts, key=lambda post: -post[3])


def _aci(outcome, case, p):
    for index, ref, position in _insertion_posts(outcome, case):
        priority = any(c in p["aci_criteria"] for c in position.criteria)
        amount = p["aci_priority_amount"] if priority else p["aci_amount"]
        outcome.add(
            f"Poste n° {index + 1}{' (critère prioritaire)' if priority else ''} : "
            f"{euros(amount)} × {num(position.etp)} ETP",
            amount * position.etp,
            ref=ref,
        )


def _ai(outcome, case, p):
    tiers = p["ai_tiers"]
    posts = []
    for index, ref, position in _insertion_posts(outcome, case):
        counted = len(set(position.criteria) & set(p["ai_criteria"]))
        rate = tiers[min(counted, len(tiers) - 1)]
        posts.append((index, ref, position, rate))
    room = Decimal(p["ai_max_etp"])
    for index, ref, position, rate in _best_paid_first(posts):
        etp = min(position.etp, room)
        if etp <= 0:
            outcome.exclude(ref, "etp_limit_reached")
            continue
        room -= etp
        outcome.add(
            f"Poste n° {index + 1} : {euros(rate)} × {num(etp)} ETP"
            + (" (part retenue dans la limite d'ETP)" if etp < position.etp else ""),
            rate * etp,
            ref=ref,
        )


def _ei_rq(outcome, case, p):
    posts = []
    for index, ref, position in _insertion_posts(outcome, case):
        if position.contract not in p["ei_rq_contracts"]:
            outcome.exclude(ref, "contract_not_eligible")
        else:
            # Every post is paid the same per ETP: the first ones given come first.
            posts.append((index, ref, position, p["ei_rq_amount"]))
    for rank, (index, ref, position, rate) in enumerate(_best_paid_first(posts)):
        if rank >= p["ei_rq_max_posts"]:
            outcome.exclude(ref, "post_limit_reached")
            continue
        outcome.add(
            f"Poste n° {index + 1} en CDI : {euros(rate)} × {num(position.etp)} ETP",
            rate * position.etp,
            ref=ref,
        )


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    exclude_unused(outcome, {"positions"})
    if outcome.reasons:
        # Still say which posts could never count, as every rule does.
        for _ in _insertion_posts(outcome, case):
            pass
    else:
        {"ACI": _aci, "AI": _ai}.get(case.kind, _ei_rq)(outcome, case, p)
    return outcome.finish()
