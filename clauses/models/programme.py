"""A buyer's yearly programme of planned purchases (issue 19, part 4; clauses.md step 1:
« the buying services list their coming needs each year »)."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ..enums import Clause, MarcheType, PurchaseStatus, Quarter
from .core import Buyer, Facilitator, HoursFactors, Marche

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class PlannedPurchase(HoursFactors):
    """A purchase a buyer plans for a year: its object, NAF codes, estimated amount, the
    quarter it should be launched in, the clause expected and its hours (computed like a
    lot's from the estimated amount and the factors, or typed). Once notified it points at
    the contract it became (``marche``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    buyer = models.ForeignKey(
        Buyer, verbose_name="acheteur", on_delete=models.PROTECT, related_name="planned_purchases"
    )
    year = models.PositiveSmallIntegerField("année du programme", validators=YEAR_VALIDATORS)
    object = models.CharField("objet", max_length=255)
    type = models.CharField("type de marché", max_length=16, choices=MarcheType.choices)
    activity_codes = models.JSONField("codes NAF", default=list, blank=True)
    estimated_amount_ht = models.DecimalField("montant estimé HT", max_digits=12, decimal_places=2)
    launch_quarter = models.PositiveSmallIntegerField(
        "trimestre de lancement prévu", choices=Quarter.choices
    )
    clause = models.CharField("clause prévue", max_length=32, choices=Clause.choices)
    hours_planned = models.PositiveIntegerField("heures d'insertion prévues", default=0)
    facilitator = models.ForeignKey(
        Facilitator,
        verbose_name="facilitateur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="planned_purchases",
    )
    department = models.ForeignKey(
        "structures.Department",
        verbose_name="département d'exécution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField("remarques", blank=True)
    status = models.CharField(
        "état", max_length=16, choices=PurchaseStatus.choices, default=PurchaseStatus.PREVU
    )
    # A contract a purchase became is not deleted under it (a notified purchase has one).
    marche = models.OneToOneField(
        Marche,
        verbose_name="marché notifié",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="planned_purchase",
    )
    created_by = models.ForeignKey(
        "users.User",
        verbose_name="saisi par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("saisi le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "achat prévu"
        verbose_name_plural = "achats prévus"
        ordering = ["year", "launch_quarter", "buyer", "object", "pk"]
        constraints = [
            *HoursFactors.Meta.constraints,
            models.CheckConstraint(
                condition=Q(estimated_amount_ht__gte=0),
                name="clauses_planned_amount_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(launch_quarter__gte=1, launch_quarter__lte=4),
                name="clauses_planned_quarter_range",
            ),
            models.CheckConstraint(
                condition=~Q(status=PurchaseStatus.NOTIFIE) | Q(marche__isnull=False),
                name="clauses_planned_notified_has_marche",
            ),
        ]

    def __str__(self):
        return f"{self.object} ({self.year})"

    @property
    def has_clause(self):
        return self.clause != Clause.NONE

    hours_amount_field = "estimated_amount_ht"

    def factor_defaults(self):
        return self.buyer
