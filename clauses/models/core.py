"""Public contracts with social clauses (../shared/domain/clauses.md): buyers, facilitators,
contracts, lots, hours, imports, and the matching's interests and shortlists."""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..enums import BuyerKind, Clause, ImportKind, MarcheType, Modality, Procedure, PublicCategory
from ..rules import execution_period, hours_from_amount, lot_progress

__all__ = [
    "Buyer",
    "Facilitator",
    "FacilitatorMembership",
    "HoursReport",
    "ImportRun",
    "Lot",
    "LotInterest",
    "Marche",
    "OfferSubscription",
    "ShortlistEntry",
    "bulk_update_touching",
    "hours_from_amount",
]


def bulk_update_touching(model, objects, fields, **kwargs):
    """``bulk_update`` that sets ``updated_at`` too (``auto_now`` acts in ``save()`` only):
    the API's ``updated_since`` must see changes written in bulk."""
    now = timezone.now()
    for obj in objects:
        obj.updated_at = now
    model.objects.bulk_update(objects, [*fields, "updated_at"], **kwargs)


class HoursFactors(models.Model):
    """The factors of clauses.md's hours computation (``rules.hours_from_amount``): a lot's
    own, or its buyer's defaults. Shares are fractions (0.4 for 40 %)."""

    labour_share = models.DecimalField(
        "part de main-d'œuvre", max_digits=5, decimal_places=4, null=True, blank=True
    )
    insertion_rate = models.DecimalField(
        "taux d'insertion", max_digits=5, decimal_places=4, null=True, blank=True
    )
    hourly_cost = models.DecimalField(
        "coût horaire moyen (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(labour_share__gte=0, labour_share__lte=1),
                name="%(app_label)s_%(class)s_labour_share_fraction",
            ),
            models.CheckConstraint(
                condition=Q(insertion_rate__gte=0, insertion_rate__lte=1),
                name="%(app_label)s_%(class)s_insertion_rate_fraction",
            ),
            models.CheckConstraint(
                condition=Q(hourly_cost__gt=0), name="%(app_label)s_%(class)s_hourly_cost_positive"
            ),
        ]

    FACTORS = ("labour_share", "insertion_rate", "hourly_cost")
    # The model's amount excl. VAT the hours are computed from (``None``: the buyer only
    # holds defaults).
    hours_amount_field = None

    def factor_defaults(self):
        """What holds the defaults of the factors this row leaves empty (its buyer)."""
        return None

    def hours_factors(self):
        """``{labour_share, insertion_rate, hourly_cost}``: the row's own, else its
        defaults' (``None`` when neither is set)."""
        defaults = self.factor_defaults()
        return {
            name: getattr(self, name)
            if getattr(self, name) is not None
            else getattr(defaults, name, None)
            for name in self.FACTORS
        }

    def computed_hours(self):
        """clauses.md's hours (``rules.hours_from_amount``) from the row's amount and
        ``hours_factors``, or ``None`` when a factor is missing."""
        factors = self.hours_factors()
        if self.hours_amount_field is None or None in factors.values():
            return None
        return hours_from_amount(getattr(self, self.hours_amount_field), **factors)


class Buyer(HoursFactors):
    """A public buyer (region, département, social landlord…) and its default factors for
    computing the hours of its lots."""

    name = models.CharField("nom", max_length=255)
    kind = models.CharField("type d'acheteur", max_length=32, choices=BuyerKind.choices)

    class Meta:
        verbose_name = "acheteur"
        verbose_name_plural = "acheteurs"
        ordering = ["name", "kind"]
        constraints = [
            *HoursFactors.Meta.constraints,
            models.UniqueConstraint(fields=["name", "kind"], name="clauses_buyer_name_kind_unique"),
        ]

    def __str__(self):
        return self.name


class Facilitator(models.Model):
    """A facilitator (relais territorial: PLIE, maison de l'emploi…) and the départements it
    covers (« 13 relais couvrant 70 % de la région », clauses.md)."""

    name = models.CharField("nom", max_length=255, unique=True)
    departments = models.ManyToManyField(
        "structures.Department",
        verbose_name="départements couverts",
        blank=True,
        related_name="clause_facilitators",
    )

    class Meta:
        verbose_name = "facilitateur"
        verbose_name_plural = "facilitateurs"
        ordering = ["name"]

    def __str__(self):
        return self.name


class FacilitatorMembership(models.Model):
    """A person working for a facilitator: they follow its lots and report their hours."""

    user = models.ForeignKey(
        "users.User",
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="facilitator_memberships",
    )
    facilitator = models.ForeignKey(
        Facilitator,
        verbose_name="facilitateur",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "membre d'un facilitateur"
        verbose_name_plural = "membres des facilitateurs"
        ordering = ["facilitator", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "facilitator"], name="clauses_facilitator_membership_unique"
            )
        ]

    def __str__(self):
        return f"{self.user_id and self.user.email} — {self.facilitator_id and self.facilitator}"


class Marche(models.Model):
    """A public contract, made of lots; the clauses are carried by the lots."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = models.CharField("référence", max_length=64, unique=True)
    buyer = models.ForeignKey(
        Buyer, verbose_name="acheteur", on_delete=models.PROTECT, related_name="marches"
    )
    notification_date = models.DateField("date de notification", db_index=True)
    type = models.CharField("type de marché", max_length=16, choices=MarcheType.choices)
    amount_ht = models.DecimalField("montant HT", max_digits=12, decimal_places=2)
    # Not in the import format of clauses.md: set by staff, it places the contract for the
    # SIAE able to answer a reserved lot (``Lot.execution_departments``).
    department = models.ForeignKey(
        "structures.Department",
        verbose_name="département d'exécution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "marché"
        verbose_name_plural = "marchés"
        ordering = ["-notification_date", "ref"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_ht__gte=0), name="clauses_marche_amount_non_negative"
            )
        ]

    def __str__(self):
        return self.ref

    def amount_shown(self):
        """``(amount, from_lots)``: the contract's own amount excl. VAT, else (0, as a file
        may leave it) the sum of its lots' amounts."""
        if self.amount_ht:
            return self.amount_ht, False
        total = self.lots.aggregate(total=models.Sum("amount_ht"))["total"]
        return total or Decimal(0), True


class Lot(HoursFactors):
    """A lot of a contract: its clause, the insertion hours required, who won it.

    The procedure is stored per lot: the sample files give lots of one contract different
    procedures (``petits lots`` may go through a MAPA inside an appel d'offres)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    marche = models.ForeignKey(
        Marche, verbose_name="marché", on_delete=models.CASCADE, related_name="lots"
    )
    ref = models.CharField("référence du lot", max_length=64)
    object = models.CharField("objet", max_length=255)
    procedure = models.CharField("procédure", max_length=16, choices=Procedure.choices)
    amount_ht = models.DecimalField("montant HT", max_digits=12, decimal_places=2)
    clause = models.CharField("clause", max_length=32, choices=Clause.choices)
    hours_required = models.PositiveIntegerField("heures d'insertion exigées", default=0)
    facilitator = models.ForeignKey(
        Facilitator,
        verbose_name="facilitateur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lots",
    )
    attributaire_name = models.CharField("attributaire", max_length=255, blank=True)
    attributaire_siret = models.CharField("SIRET de l'attributaire", max_length=14, blank=True)
    # Clauses matching (issue 19): the NAF sous-classes of the lot's work (``structures.naf``),
    # set by staff on the lot's page (not in the import format); the first time they are set
    # on a lot with a clause and no attributaire, the lot is offered to the SIAE.
    activity_codes = models.JSONField("codes NAF des travaux", default=list, blank=True)
    offered_at = models.DateTimeField("proposé aux SIAE le", null=True, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "lot"
        verbose_name_plural = "lots"
        ordering = ["marche", "ref"]
        constraints = [
            *HoursFactors.Meta.constraints,
            models.UniqueConstraint(fields=["marche", "ref"], name="clauses_lot_ref_unique"),
            models.CheckConstraint(
                condition=Q(amount_ht__gte=0), name="clauses_lot_amount_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(hours_required__gte=0), name="clauses_lot_hours_non_negative"
            ),
        ]

    def __str__(self):
        return f"{self.marche_id and self.marche.ref} / {self.ref}"

    @property
    def has_clause(self):
        return self.clause != Clause.NONE

    def clean(self):
        # As import_marches: hours are only ever reported on a lot with a clause.
        if not self.has_clause and self.pk and self.hours_reports.exists():
            raise ValidationError(
                {"clause": "Ce lot a des heures déclarées : il ne peut pas passer sans clause."}
            )

    hours_amount_field = "amount_ht"

    def factor_defaults(self):
        return self.marche.buyer

    def execution_departments(self):
        """Where the lot is executed: the contract's département when recorded, else the
        départements its facilitator covers (possibly none)."""
        if self.marche.department_id:
            return [self.marche.department]
        if self.facilitator_id:
            return list(self.facilitator.departments.select_related("region").order_by("code"))
        return []

    def execution_period(self):
        """``(start, end)`` of the lot's execution; see ``rules.execution_period``."""
        return execution_period(self.marche.notification_date)

    def progress(self, realised, today):
        """``rules.Progress`` of the lot given its ``realised`` hours on ``today``."""
        return lot_progress(
            notification_date=self.marche.notification_date,
            hours_required=self.hours_required if self.has_clause else 0,
            hours_realised=realised,
            today=today,
        )


class HoursReport(models.Model):
    """Insertion hours reported for one month, one participant, one modality (and SIAE).

    The participant is a pseudonymous reference, never a name."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lot = models.ForeignKey(
        Lot, verbose_name="lot", on_delete=models.CASCADE, related_name="hours_reports"
    )
    period = models.DateField("mois", help_text="Premier jour du mois.")
    participant_ref = models.CharField("référence du participant", max_length=64)
    public_category = models.CharField("public", max_length=32, choices=PublicCategory.choices)
    modality = models.CharField("modalité", max_length=32, choices=Modality.choices)
    siae = models.ForeignKey(
        "structures.Structure",
        verbose_name="SIAE",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hours = models.DecimalField("heures", max_digits=8, decimal_places=2)
    updated_at = models.DateTimeField("modifiées le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "heures réalisées"
        verbose_name_plural = "heures réalisées"
        ordering = ["lot", "period", "participant_ref"]
        constraints = [
            # Two constraints because NULL SIAEs are distinct to a plain unique constraint.
            models.UniqueConstraint(
                fields=["lot", "period", "participant_ref", "modality", "siae"],
                condition=Q(siae__isnull=False),
                name="clauses_hours_unique_with_siae",
            ),
            models.UniqueConstraint(
                fields=["lot", "period", "participant_ref", "modality"],
                condition=Q(siae__isnull=True),
                name="clauses_hours_unique_without_siae",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="clauses_hours_positive"),
            models.CheckConstraint(
                condition=Q(period__day=1), name="clauses_hours_period_first_day"
            ),
            models.CheckConstraint(
                condition=~Q(modality=Modality.EMBAUCHE_DIRECTE) | Q(siae__isnull=True),
                name="clauses_hours_direct_hire_without_siae",
            ),
        ]

    def __str__(self):
        # No participant reference: this label shows outside the lot's facilitators (admin).
        return f"{self.lot_id and self.lot} {self.period:%Y-%m} : {self.hours} h"


class ImportRun(models.Model):
    """An import of a marchés or heures file that wrote something: who, which file, what it
    did. The audit entry of the import points at it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("fichier", max_length=16, choices=ImportKind.choices)
    file_name = models.CharField("nom du fichier", max_length=255)
    actor = models.ForeignKey(
        "users.User",
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Vide pour un import en ligne de commande.",
    )
    at = models.DateTimeField("date", default=timezone.now, db_index=True)
    created = models.PositiveIntegerField("créés", default=0)
    updated = models.PositiveIntegerField("mis à jour", default=0)
    unchanged = models.PositiveIntegerField("inchangés", default=0)

    class Meta:
        verbose_name = "import de fichier"
        verbose_name_plural = "imports de fichiers"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"Import {self.get_kind_display().lower()} {self.file_name}"


# -- Clauses matching (issue 19): interests, shortlists, the directors' digest ------------------


class LotInterest(models.Model):
    """A structure's director says the structure is interested in an offered lot; withdrawing
    keeps the row (``withdrawn_at``), saying it again opens a new one."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lot = models.ForeignKey(
        Lot, verbose_name="lot", on_delete=models.CASCADE, related_name="interests"
    )
    structure = models.ForeignKey(
        "structures.Structure",
        verbose_name="structure",
        on_delete=models.CASCADE,
        related_name="lot_interests",
    )
    user = models.ForeignKey(
        "users.User",
        verbose_name="déclaré par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("déclaré le", default=timezone.now)
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "intérêt pour un lot"
        verbose_name_plural = "intérêts pour des lots"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "structure"],
                condition=Q(withdrawn_at__isnull=True),
                name="clauses_interest_one_open",
            )
        ]

    def __str__(self):
        return f"{self.structure_id and self.structure} — {self.lot_id and self.lot}"


class ShortlistEntry(models.Model):
    """A structure staff (or the lot's facilitator) keep on the lot's shortlist."""

    lot = models.ForeignKey(
        Lot, verbose_name="lot", on_delete=models.CASCADE, related_name="shortlist"
    )
    structure = models.ForeignKey(
        "structures.Structure", verbose_name="structure", on_delete=models.CASCADE, related_name="+"
    )
    added_by = models.ForeignKey(
        "users.User",
        verbose_name="ajoutée par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField("ajoutée le", default=timezone.now)

    class Meta:
        verbose_name = "structure présélectionnée"
        verbose_name_plural = "structures présélectionnées"
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "structure"], name="clauses_shortlist_unique")
        ]

    def __str__(self):
        return f"{self.structure_id and self.structure} — {self.lot_id and self.lot}"


class OfferSubscription(models.Model):
    """A director's daily e-mail of the newly offered lots matching their structures: on
    unless turned off; ``last_sent_at`` keeps it to one a day."""

    user = models.OneToOneField(
        "users.User",
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="offer_subscription",
    )
    enabled = models.BooleanField("e-mail quotidien des lots proposés", default=True)
    last_sent_at = models.DateTimeField("dernier envoi", null=True, blank=True)

    class Meta:
        verbose_name = "abonnement aux lots proposés"
        verbose_name_plural = "abonnements aux lots proposés"

    def __str__(self):
        return f"{self.user_id and self.user}"
