"""The steps of an accompaniment recorded by its chargé de mission (dla.md, "The path of an
accompaniment"): the shared diagnostic, the support plan, the deliverables of the
engineering and the follow-up contacts."""

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse

from iae_portal.uploads import UploadedDocument, random_name

from ..enums import DiagnosticParticipant, Milestone, PlanMethod
from .core import Accompaniment, Prestation, Provider


class Diagnostic(models.Model):
    """Step 2: the diagnostic shared with the structure."""

    accompaniment = models.OneToOneField(
        Accompaniment, on_delete=models.CASCADE, related_name="diagnostic"
    )
    date = models.DateField("date du diagnostic")
    situation = models.TextField("situation")
    objectives = models.TextField("objectifs")
    stakes = models.TextField("enjeux", blank=True)
    priorities = models.TextField("priorités retenues")
    participants = models.JSONField("participants", default=list, blank=True)
    participants_detail = models.TextField("participants (précisions)", blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "diagnostic partagé"
        verbose_name_plural = "diagnostics partagés"

    def __str__(self):
        return f"Diagnostic de {self.accompaniment}"

    def participant_labels(self):
        labels = dict(DiagnosticParticipant.choices)
        return [labels.get(code, code) for code in self.participants]


class SupportPlan(models.Model):
    """Step 3: what the accompaniment should achieve, how, with whom, in how many days."""

    accompaniment = models.OneToOneField(
        Accompaniment, on_delete=models.CASCADE, related_name="plan"
    )
    expected_results = models.TextField("résultats attendus")
    method = models.CharField("modalité", max_length=32, choices=PlanMethod.choices)
    terms_objectives = models.TextField("cahier des charges : objectifs")
    terms_context = models.TextField("cahier des charges : contexte", blank=True)
    terms_deliverables = models.TextField("cahier des charges : livrables attendus")
    provider = models.ForeignKey(
        Provider,
        verbose_name="prestataire retenu",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    provider_reason = models.TextField("motif du choix du prestataire", blank=True)
    phases = models.TextField("phases", blank=True)
    days = models.DecimalField("nombre de jours", max_digits=6, decimal_places=2)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "plan d'accompagnement"
        verbose_name_plural = "plans d'accompagnement"
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=0), name="dla_plan_days_non_negative"),
            models.CheckConstraint(
                condition=Q(method__in=PlanMethod.values), name="dla_plan_method_known"
            ),
        ]

    def __str__(self):
        return f"Plan de {self.accompaniment}"


class FollowUp(models.Model):
    """Step 5: the contact at 6, 12 or 24 months after the engineering, and its outcomes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="follow_ups"
    )
    milestone = models.PositiveSmallIntegerField("échéance", choices=Milestone.choices)
    contact_date = models.DateField("date du contact")
    implemented = models.TextField("ce qui a été mis en œuvre")
    entity_created = models.BooleanField("création d'une entité", default=False)
    jobs_kept = models.PositiveIntegerField("emplois consolidés", default=0)
    jobs_created = models.PositiveIntegerField("emplois créés", default=0)
    new_activity = models.BooleanField("nouvelle activité", default=False)
    outcomes = models.TextField("autres effets constatés", blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "suivi"
        verbose_name_plural = "suivis"
        ordering = ["milestone"]
        constraints = [
            models.UniqueConstraint(
                fields=["accompaniment", "milestone"], name="dla_follow_up_once_per_milestone"
            ),
            models.CheckConstraint(
                condition=Q(milestone__in=Milestone.values), name="dla_follow_up_milestone_known"
            ),
        ]

    def __str__(self):
        return f"Suivi à {self.milestone} mois de {self.accompaniment}"


def deliverable_path(instance, filename):
    return random_name(f"dla/{instance.prestation.uuid}", filename)


class Deliverable(UploadedDocument):
    """A file a prestation delivered (report, action plan…): PDF, JPEG or PNG."""

    journal_via = "prestation.accompaniment"

    prestation = models.ForeignKey(
        Prestation, on_delete=models.CASCADE, related_name="deliverables"
    )
    file = models.FileField(upload_to=deliverable_path, max_length=255)

    class Meta:
        verbose_name = "livrable"
        verbose_name_plural = "livrables"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("dla:deliverable", args=[self.uuid])
