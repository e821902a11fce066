"""A dossier's financing plan: the project's total cost and its funders besides the
region, whose amount comes from the instruction (voted, proposed, computed, requested:
the latest known). The checks are pure methods: the forms, the instruction and the
convention's annex read the same figures."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..enums import PUBLIC_FUNDERS, FunderKind, FundingStatus
from .dossiers import Dossier, DossierDocument
from .schemes import MONEY

CENT = Decimal("0.01")


class FinancingPlan(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.OneToOneField(
        Dossier, verbose_name="dossier", on_delete=models.CASCADE, related_name="financing_plan"
    )
    total_cost = models.DecimalField("coût total du projet (€)", **MONEY)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifié par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "plan de financement"
        verbose_name_plural = "plans de financement"
        constraints = [
            models.CheckConstraint(
                condition=Q(total_cost__gte=0), name="financing_plan_cost_non_negative"
            ),
        ]

    def __str__(self):
        return f"Plan de financement — {self.dossier.reference}"

    # The figures (``lines`` prefetched or not: each reads ``self.lines.all()``).

    def region_amount(self):
        """The region's part: the latest amount the instruction knows of."""
        dossier = self.dossier
        for amount in (dossier.voted_amount, dossier.proposed_amount):
            if amount is not None:
                return amount
        if dossier.computation_id and dossier.computation.total is not None:
            return dossier.computation.total
        return dossier.requested_amount or Decimal("0.00")

    def counted_lines(self):
        """The lines that finance the project: requested or granted (not refused)."""
        return [line for line in self.lines.all() if line.status != FundingStatus.REFUSE]

    def other_funding(self):
        return sum((line.amount for line in self.counted_lines()), Decimal("0.00"))

    def total_funding(self):
        return self.region_amount() + self.other_funding()

    def gap(self):
        """Total cost less funding: positive when funding is missing, negative when the
        funders give more than the project costs."""
        return self.total_cost - self.total_funding()

    def is_balanced(self):
        return self.gap() == 0

    def public_funding(self):
        public = [line.amount for line in self.counted_lines() if line.funder in PUBLIC_FUNDERS]
        return self.region_amount() + sum(public, Decimal("0.00"))

    def public_rate(self):
        """Public funding over the total cost, as a percentage (``None`` for no cost)."""
        if not self.total_cost:
            return None
        return self.public_funding() * 100 / self.total_cost

    def exceeds_public_cap(self, cap_percent):
        """Whether public funding goes over ``cap_percent`` % of the cost (exactly: a cent
        over is over; no cap, never)."""
        if cap_percent is None:
            return False
        return self.public_funding() * 100 > Decimal(cap_percent) * self.total_cost


class FundingLine(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        FinancingPlan, verbose_name="plan", on_delete=models.CASCADE, related_name="lines"
    )
    funder = models.CharField("financeur", max_length=24, choices=FunderKind.choices)
    label = models.CharField(
        "précision", max_length=200, blank=True, help_text="Nom du financeur ou du dispositif."
    )
    amount = models.DecimalField("montant (€)", **MONEY)
    status = models.CharField(
        "état", max_length=16, choices=FundingStatus.choices, default=FundingStatus.DEMANDE
    )
    document = models.ForeignKey(
        DossierDocument,
        verbose_name="justificatif",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "ligne de financement"
        verbose_name_plural = "lignes de financement"
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_line_non_negative"),
            models.CheckConstraint(
                condition=Q(funder__in=FunderKind.values), name="funding_line_funder_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=FundingStatus.values), name="funding_line_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_funder_display()} : {self.amount} €"

    @property
    def is_public(self):
        return self.funder in PUBLIC_FUNDERS
