"""Facilitators' partnership agreements and their quarterly reviews (issue 19, part 5;
clauses.md step 5: « quarterly follow-up »)."""

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse

from iae_portal.uploads import UploadedDocument, random_name

from ..enums import Quarter
from .core import Buyer, Facilitator
from .programme import YEAR_VALIDATORS


class PartnershipAgreement(models.Model):
    """A facilitator's agreement with buyers (whose contracts' hours it follows) and other
    partners, over a period, with an objective of insertion hours."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    facilitator = models.ForeignKey(
        Facilitator,
        verbose_name="facilitateur",
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    title = models.CharField("intitulé", max_length=255)
    buyers = models.ManyToManyField(
        Buyer, verbose_name="acheteurs signataires", related_name="agreements"
    )
    partners = models.TextField(
        "autres partenaires", blank=True, help_text="Un partenaire par ligne."
    )
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    hours_objective = models.PositiveIntegerField("objectif d'heures d'insertion")
    objectives = models.TextField("autres objectifs", blank=True)
    created_by = models.ForeignKey(
        "users.User",
        verbose_name="saisie par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("saisie le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "convention de partenariat"
        verbose_name_plural = "conventions de partenariat"
        ordering = ["-start_date", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="clauses_agreement_dates_order",
            )
        ]

    def __str__(self):
        return self.title

    def partner_list(self):
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


class QuarterlyReview(models.Model):
    """The review meeting of an agreement for one quarter: when it was held, who came, what
    was said; its minutes are attached (``ReviewMinutes``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(
        PartnershipAgreement,
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    year = models.PositiveSmallIntegerField("année", validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField("trimestre", choices=Quarter.choices)
    held_on = models.DateField("réunion du", null=True, blank=True)
    attendees = models.TextField("participants", blank=True)
    summary = models.TextField("relevé de décisions", blank=True)
    created_by = models.ForeignKey(
        "users.User",
        verbose_name="saisie par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "revue trimestrielle"
        verbose_name_plural = "revues trimestrielles"
        ordering = ["agreement", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "quarter"], name="clauses_review_quarter_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="clauses_review_quarter_range"
            ),
        ]

    def __str__(self):
        return f"{self.agreement_id and self.agreement} — T{self.quarter} {self.year}"


def minutes_path(instance, filename):
    return random_name("clauses/comptes-rendus", filename)


class ReviewMinutes(UploadedDocument):
    """The minutes of a quarterly review (PDF, JPEG or PNG, like every upload)."""

    journal_via = "review.agreement"

    review = models.ForeignKey(
        QuarterlyReview,
        verbose_name="revue",
        on_delete=models.CASCADE,
        related_name="minutes",
    )
    file = models.FileField(upload_to=minutes_path, max_length=255)

    class Meta:
        verbose_name = "compte rendu"
        verbose_name_plural = "comptes rendus"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("clauses:review_minutes", args=[self.uuid])
