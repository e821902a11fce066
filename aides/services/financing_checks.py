"""A financing plan as its readers read it, in French: the director's page, the dossier
page's section, the instruction's opinion (``dossiers._pre_instruct``) and the
convention's annex. The figures are the model's (``FinancingPlan.region_amount``,
``gap``, ``public_rate``, ``exceeds_public_cap``…); this module says them and decides
what they stop. It imports no other service (``dossiers`` reads it)."""

import copy
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import Prefetch

from iae_portal import compiled

from ..enums import Opinion
from ..models import Dossier, FinancingPlan, FundingLine
from ..presenters import money
from ..workflow import APPLICANT_LETTER_STATES

CENT = Decimal("0.01")
FAVOURABLE = frozenset({Opinion.FAVORABLE, Opinion.FAVORABLE_RESERVES})


# -- Reading --------------------------------------------------------------------------------


def plan_of(dossier):
    """The dossier's plan with its lines and their documents (``None`` without a plan);
    the one ``read_plan`` read onto this instance, when it did."""
    if "financing_plan_read" in vars(dossier):
        return dossier.financing_plan_read
    plan = FinancingPlan.objects.filter(dossier=dossier).prefetch_related(_lines()).first()
    if plan is not None:
        plan.dossier = dossier
    return plan


def _lines():
    """A plan's lines with their documents (a new ``Prefetch`` each time: its queryset is
    given hints as it is used)."""
    return Prefetch("lines", queryset=FundingLine.objects.select_related("document"))


# The dossier page's plan's lines: their SQL compiled once.
_LINES = compiled.Statement(
    lambda plan_id: FundingLine.objects.filter(plan_id=plan_id).select_related("document")
)


def read_plan(dossier):
    """Reads ``dossier``'s plan once onto the instance, which ``plan_of`` then returns (a
    page whose form and section both read it): the one selected with the dossier
    (``select_related("financing_plan")``) when it was. For an instance loaded for one
    request, whose plan nothing changes meanwhile; its readers do not change the plan."""
    if Dossier.financing_plan.is_cached(dossier):
        plan = getattr(dossier, "financing_plan", None)  # None: selected, there is none
        if plan is not None:
            compiled.attach(plan, "lines", _LINES(plan_id=plan.pk))
            plan.dossier = dossier
        dossier.financing_plan_read = plan
    else:
        dossier.financing_plan_read = plan_of(dossier)
    return dossier


def as_applicant_reads(dossier):
    """A copy of ``dossier`` as its applicant reads the region's part: the instruction's
    proposed amount stays internal, the voted one counts once the decision is notified (as
    the dossier's API says it); the plan's figures on it are then the model's."""
    dossier = copy.copy(dossier)
    dossier.proposed_amount = None
    if dossier.state not in APPLICANT_LETTER_STATES:
        dossier.voted_amount = None
    return dossier


def plan_as_applicant_reads(plan):
    plan.dossier = as_applicant_reads(plan.dossier)
    return plan


def region_part(dossier):
    """The region's part of a dossier without a plan yet (the model's rule)."""
    return FinancingPlan(dossier=dossier, total_cost=0).region_amount()


def plan_figures(plan):
    """The model's figures of ``plan`` once, for a template."""
    gap = plan.gap()
    return {
        "region": plan.region_amount(),
        "others": plan.other_funding(),
        "funding": plan.total_funding(),
        "cost": plan.total_cost,
        "gap": gap,
        "gap_abs": abs(gap),
        "public": plan.public_funding(),
        "rate": plan.public_rate(),
    }


def region_source(dossier):
    """Which amount ``FinancingPlan.region_amount`` takes, in its order, in French."""
    if dossier.voted_amount is not None:
        return "montant voté"
    if dossier.proposed_amount is not None:
        return "montant proposé par l'instruction"
    if dossier.computation_id and dossier.computation.total is not None:
        return "montant calculé"
    return "montant demandé"


def percent(value, places=1):
    """``Decimal("83.456")`` → ``"83,5 %"``, ``80.00`` → ``"80 %"`` (no-break space)."""
    text = f"{Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + "\u00a0%"


def balance_message(plan):
    """What is wrong with the sum, or ``None`` when the funding equals the cost."""
    gap = plan.gap()
    if gap > 0:
        return (
            f"Il manque {money(gap)} : les financements ({money(plan.total_funding())}) "
            f"n'atteignent pas le coût du projet ({money(plan.total_cost)})."
        )
    if gap < 0:
        return (
            f"Les financements dépassent le coût du projet de {money(-gap)} : "
            f"{money(plan.total_funding())} pour un coût de {money(plan.total_cost)}."
        )
    return None


def cap_message(plan, scheme):
    """The public rate over the scheme's cap, or ``None``."""
    cap = scheme.public_funding_cap
    if not plan.exceeds_public_cap(cap):
        return None
    rate, public = plan.public_rate(), plan.public_funding()
    if rate is None:
        return (
            f"Les financements publics ({money(public)}, Région comprise) dépassent le "
            f"plafond de {percent(cap)} fixé par le dispositif : le coût du projet déclaré "
            "est nul."
        )
    said = percent(rate)
    if said == percent(cap):
        said = f"plus de {said}"  # 80,00001 % over 80 %: rounding would hide the excess
    ceiling = (cap * plan.total_cost / 100).quantize(CENT, rounding=ROUND_DOWN)
    return (
        f"Les financements publics représentent {said} du coût, au-delà du plafond de "
        f"{percent(cap)} fixé par le dispositif : {money(public)} de financements publics, "
        f"Région comprise, pour un plafond de {money(ceiling)} sur un coût de "
        f"{money(plan.total_cost)}."
    )


def plan_checks(plan, scheme):
    """``[French sentence]``: the checks the plan fails (empty when it passes them)."""
    return [text for text in (balance_message(plan), cap_message(plan, scheme)) if text]


def cap_wording(scheme):
    """« 80 % (bloquant pour l'avis d'instruction) », or ``None`` without a cap."""
    cap = scheme.public_funding_cap
    if cap is None:
        return None
    blocking = "bloquant" if scheme.public_cap_blocking else "signalé, non bloquant"
    return f"{percent(cap)} ({blocking} pour l'avis d'instruction)"


def instruction_warnings(dossier):
    """What the instructeur reads before giving the opinion: no plan, its checks (the
    region's part as the dossier stands), and whether the cap blocks a favourable one."""
    plan = plan_of(dossier)
    if plan is None:
        return ["Le porteur n'a pas déclaré de plan de financement."]
    scheme = dossier.campaign.scheme
    warnings = []
    balance = balance_message(plan)
    if balance:
        warnings.append(f"Plan de financement déséquilibré : {balance}")
    cap = cap_message(plan, scheme)
    if cap:
        warnings.append(
            cap
            + (
                " Le dispositif rend ce plafond bloquant : un avis favorable sera refusé."
                if scheme.public_cap_blocking
                else " Le plafond n'est pas bloquant pour ce dispositif."
            )
        )
    return warnings


def _with_region_amount(plan, amount):
    """The plan as it would read with ``amount`` as the region's proposed part (the
    opinion being given), the dossier itself untouched."""
    proposed = copy.copy(plan.dossier)
    proposed.proposed_amount = amount
    plan.dossier = proposed
    return plan


def instruction_refusal(dossier, opinion, proposed_amount):
    """Why a favourable ``opinion`` at ``proposed_amount`` may not be given (the plan over
    a blocking cap, with the amount proposed as the region's part), or ``None``."""
    scheme = dossier.campaign.scheme
    if opinion not in FAVOURABLE or not scheme.public_cap_blocking:
        return None
    if scheme.public_funding_cap is None or dossier.voted_amount is not None:
        return None
    plan = plan_of(dossier)
    if plan is None:
        return None
    message = cap_message(_with_region_amount(plan, proposed_amount), scheme)
    if message is None:
        return None
    return (
        f"Avis favorable impossible : {message} Le dispositif rend ce plafond bloquant : "
        "réduisez le montant proposé, demandez au porteur de compléter son plan de "
        "financement, ou rendez un avis défavorable."
    )
