import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from ..enums import CollectiveProjectKind, ProjectMemberRole
from .structure import MONEY, Structure
from .territory import Department


class CollectiveProject(models.Model):
    """A mutualisation between structures: GE, GES, collectif, plateforme, PTCE or merger."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=255)
    kind = models.CharField("type", max_length=16, choices=CollectiveProjectKind.choices)
    description = models.TextField("description", blank=True)
    carrier = models.ForeignKey(
        Structure,
        verbose_name="structure porteuse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_projects",
        help_text="L'entité juridique qui porte le projet (le GE, le GES…), si elle existe.",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="département",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    start_date = models.DateField("début", null=True, blank=True)
    structures = models.ManyToManyField(
        Structure, through="ProjectMember", related_name="collective_projects"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "projet collectif"
        verbose_name_plural = "projets collectifs"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("structures:project_detail", args=[self.uuid])


class ProjectMember(models.Model):
    project = models.ForeignKey(
        CollectiveProject, verbose_name="projet", on_delete=models.CASCADE, related_name="members"
    )
    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("rôle", max_length=16, choices=ProjectMemberRole.choices)
    joined_on = models.DateField("entrée le")
    left_on = models.DateField("sortie le", null=True, blank=True)
    contribution = models.DecimalField("contribution financière annuelle (€)", default=0, **MONEY)

    class Meta:
        verbose_name = "membre d'un projet collectif"
        verbose_name_plural = "membres d'un projet collectif"
        ordering = ["joined_on", "structure__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "structure", "joined_on"], name="project_member_unique"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="project_member_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(contribution__gte=0), name="project_member_contribution_non_negative"
            ),
        ]

    def __str__(self):
        return f"{self.structure} dans {self.project}"


class SharedPost(models.Model):
    """A post shared between members: its host employer and how its time is split."""

    project = models.ForeignKey(
        CollectiveProject,
        verbose_name="projet",
        on_delete=models.CASCADE,
        related_name="shared_posts",
    )
    function = models.CharField("fonction", max_length=200)
    etp = models.DecimalField(
        "ETP",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(99))],
    )
    host = models.ForeignKey(
        Structure, verbose_name="employeur", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "poste mutualisé"
        verbose_name_plural = "postes mutualisés"
        ordering = ["function"]
        constraints = [
            models.CheckConstraint(condition=Q(etp__gt=0), name="shared_post_etp_positive"),
        ]

    def __str__(self):
        return f"{self.function} ({self.etp} ETP)"


class SharedPostSplit(models.Model):
    """The share of a shared post's time given to one member (shares of a post sum to 100)."""

    post = models.ForeignKey(
        SharedPost, verbose_name="poste", on_delete=models.CASCADE, related_name="splits"
    )
    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    share = models.DecimalField(
        "part du temps (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = "répartition d'un poste mutualisé"
        verbose_name_plural = "répartitions d'un poste mutualisé"
        constraints = [
            models.UniqueConstraint(fields=["post", "structure"], name="shared_post_split_unique"),
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=100), name="shared_post_split_share_range"
            ),
        ]

    def __str__(self):
        return f"{self.structure}: {self.share} %"
