"""A campaign's figures: counts by state and amounts against its envelope, as its dashboard
shows them and the CDIAE report adds them up."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from .enums import DossierState as S
from .models import Instalment

# Out of the running: not counted in what is asked or proposed.
DROPPED = (S.BROUILLON, S.RETIRE, S.IRRECEVABLE, S.SANS_SUITE)


def campaign_figures(campaign, dossiers):
    """Counts by state (every state, zero included) and amounts against the envelope, in
    three aggregate queries whatever the number of ``dossiers``."""
    counts = dict(dossiers.order_by().values_list("state").annotate(n=Count("pk")))
    live = ~Q(state__in=DROPPED)
    sums = dossiers.aggregate(
        requested=Sum("requested_amount", filter=live),
        proposed=Sum("proposed_amount", filter=live),
        voted=Sum("voted_amount"),
    )
    sums["paid"] = Instalment.objects.filter(dossier__in=dossiers, paid_on__isnull=False).aggregate(
        total=Sum("amount")
    )["total"]
    amounts = {name: value or Decimal("0.00") for name, value in sums.items()}
    envelope = campaign.budget_envelope
    return {
        "states": [(value, label, counts.get(value, 0)) for value, label in S.choices],
        "total": sum(counts.values()),
        "amounts": amounts,
        "envelope": envelope,
        "remaining": envelope - amounts["voted"],
        "to_pay": amounts["voted"] - amounts["paid"],
        "used_percent": round(amounts["voted"] * 100 / envelope, 1) if envelope else None,
    }
