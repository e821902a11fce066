import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from iae_portal.access import VisibleQuerySet
from structures.models import Structure

from . import computations
from .enums import ReportStatus
from .indicators import (
    BOOL,
    COMMENT_MAX_LENGTH,
    CRITERION_CODES,
    INDICATORS,
    MAX_FIGURE,
    SCALE,
    SCALE_MAX,
    SCORE_MAX,
)

MIN_YEAR, MAX_YEAR = computations.MIN_YEAR, 2100


def _indicator_field(indicator):
    """The column of a typed indicator: empty while the report is a draft (every figure is
    required to submit it, ``computations.validate_report``)."""
    options = {"null": True, "blank": True, "help_text": indicator.help}
    if indicator.kind == BOOL:
        return models.BooleanField(indicator.label, **options)
    if indicator.kind == SCALE:
        return models.PositiveSmallIntegerField(
            indicator.label, validators=[MaxValueValidator(SCALE_MAX)], **options
        )
    return models.PositiveBigIntegerField(
        indicator.label, validators=[MaxValueValidator(MAX_FIGURE)], **options
    )


class SocialReportQuerySet(VisibleQuerySet):
    def validated(self):
        return self.filter(status=ReportStatus.VALIDE)

    def for_year(self, year):
        return self.filter(year=year)


class SocialReport(models.Model):
    """A structure's yearly social utility report (part 1: its typed indicators, one column
    each, named by its code in ``utilite.indicators``) and its optional DTS
    self-assessment grid (part 2).

    The grid is kept in two JSON columns on the report, ``grid_scores`` ({criterion code:
    0–3}) and ``grid_comments`` ({criterion code: text}), validated against the registry
    (``clean`` and ``computations.clean_grid``), rather than in a child model of one row
    per criterion: a grid is given whole or not at all (a partial grid is refused), read
    and written whole (the form, the import's row, the API's object), never queried by
    criterion (the statistics are computed in Python over a group's reports), and it is
    part of what a validated report freezes; one row keeps the report, its grid and its
    journal entry in one write, and a criterion added to the registry needs no migration.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(
        Structure,
        verbose_name="structure",
        on_delete=models.CASCADE,
        related_name="social_reports",
    )
    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    status = models.CharField(
        "statut", max_length=16, choices=ReportStatus.choices, default=ReportStatus.BROUILLON
    )

    # Part 1: the typed indicators, in the registry's order.
    for _indicator in INDICATORS:
        locals()[_indicator.code] = _indicator_field(_indicator)
    del _indicator

    # Part 2: the DTS self-assessment grid (optional; complete when given).
    grid_participants = models.PositiveSmallIntegerField(
        "personnes ayant rempli la grille", null=True, blank=True
    )
    priority_axes = models.JSONField("axes prioritaires", default=list, blank=True)
    grid_scores = models.JSONField("notes de la grille", default=dict, blank=True)
    grid_comments = models.JSONField("commentaires de la grille", default=dict, blank=True)

    staff_comment = models.TextField("commentaire du service", blank=True)
    submitted_at = models.DateTimeField("soumis le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="soumis par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="validé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    # For the API's ``updated_since``.
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    objects = SocialReportQuerySet.as_manager()

    class Meta:
        verbose_name = "bilan d'utilité sociale"
        verbose_name_plural = "bilans d'utilité sociale"
        ordering = ["-year", "structure__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "year"], name="utilite_report_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="utilite_report_status_known"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR),
                name="utilite_report_year_range",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{i.code}__isnull": True}) | Q(**{f"{i.code}__lte": SCALE_MAX}),
                    name=f"utilite_report_{i.code}_scale",
                )
                for i in INDICATORS
                if i.kind == SCALE
            ],
        ]
        indexes = [models.Index(fields=["year", "status"], name="utilite_report_year_status")]

    def __str__(self):
        return f"Bilan d'utilité sociale {self.year} — {self.structure}"

    # -- What the report holds, as plain values ----------------------------------------------

    def figures(self):
        """``{code: value}`` of the typed indicators, in the registry's order."""
        return {indicator.code: getattr(self, indicator.code) for indicator in INDICATORS}

    def set_figures(self, figures):
        for indicator in INDICATORS:
            setattr(self, indicator.code, figures.get(indicator.code))

    @property
    def has_grid(self):
        return bool(self.grid_scores)

    def computed_shares(self):
        return computations.computed_shares(self.figures())

    def axis_scores(self):
        """``{axis: Decimal}`` of a complete grid, ``{}`` otherwise."""
        if set(self.grid_scores) != set(CRITERION_CODES):
            return {}
        return computations.axis_scores(self.grid_scores)

    @property
    def is_read_only(self):
        return self.status == ReportStatus.VALIDE

    def clean(self):
        """The grid's JSON columns hold what the registry declares (the rules a submitted
        report must meet are ``computations.validate_report``'s)."""
        errors = {}
        scores = self.grid_scores if isinstance(self.grid_scores, dict) else None
        if scores is None or any(
            code not in CRITERION_CODES
            or isinstance(score, bool)
            or not isinstance(score, int)
            or not 0 <= score <= SCORE_MAX
            for code, score in scores.items()
        ):
            errors["grid_scores"] = (
                f"Les notes de la grille sont de 0 à {SCORE_MAX}, pour les critères de la grille."
            )
        comments = self.grid_comments if isinstance(self.grid_comments, dict) else None
        if comments is None or any(
            code not in CRITERION_CODES
            or not isinstance(text, str)
            or len(text) > COMMENT_MAX_LENGTH
            for code, text in comments.items()
        ):
            errors["grid_comments"] = (
                f"Un commentaire de la grille compte {COMMENT_MAX_LENGTH} caractères au plus, "
                "pour un critère de la grille."
            )
        if not isinstance(self.priority_axes, list) or [
            problem
            for problem in computations.clean_grid(None, self.priority_axes, {})[1]
            if problem.field == "priority_axes"
        ]:
            errors["priority_axes"] = "Axe prioritaire inconnu."
        if errors:
            raise ValidationError(errors)


class ReportDelegate(models.Model):
    """An employee of a structure its director allows to fill in (save and submit) the
    structure's yearly reports, while their membership stays active."""

    structure = models.ForeignKey(
        Structure,
        verbose_name="structure",
        on_delete=models.CASCADE,
        related_name="report_delegates",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="report_delegations",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="autorisée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("autorisée le", auto_now_add=True)

    class Meta:
        verbose_name = "personne autorisée à remplir le bilan"
        verbose_name_plural = "personnes autorisées à remplir le bilan"
        ordering = ["structure__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "user"], name="utilite_delegate_unique")
        ]

    def __str__(self):
        return f"{self.user} — {self.structure}"
