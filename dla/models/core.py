"""DLA accompaniments and their prestations (../shared/domain/dla.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from iae_portal.access import VisibleQuerySet
from structures.models import Department, Structure

from ..enums import AccompanimentState, Mode, Prescriber, ProviderKind, Requester, Theme
from ..followups import due_condition

MONEY = {"max_digits": 12, "decimal_places": 2}


class Dla(models.Model):
    """The DLA of one département, carried by a host body (organisme de portage)."""

    department = models.OneToOneField(
        Department, verbose_name="département", on_delete=models.PROTECT, related_name="dla"
    )
    host_name = models.CharField("organisme de portage", max_length=255, blank=True)

    class Meta:
        verbose_name = "DLA"
        verbose_name_plural = "DLA"
        ordering = ["department"]

    def __str__(self):
        return f"DLA {self.department_id}"


class DlaMembership(models.Model):
    """A chargé de mission's link to the DLA(s) they work for; it decides what they see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="dla_memberships",
    )
    dla = models.ForeignKey(
        Dla, verbose_name="DLA", on_delete=models.CASCADE, related_name="memberships"
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "rattachement à un DLA"
        verbose_name_plural = "rattachements aux DLA"
        constraints = [
            models.UniqueConstraint(fields=["user", "dla"], name="dla_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.dla}"


class Provider(models.Model):
    """Who delivers prestations: a consultancy, an IAE network, an independent consultant…"""

    name = models.CharField("nom", max_length=255, unique=True)
    kind = models.CharField("type", max_length=32, choices=ProviderKind.choices)

    class Meta:
        verbose_name = "prestataire"
        verbose_name_plural = "prestataires"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProviderKind.values), name="dla_provider_kind_known"
            ),
        ]

    def __str__(self):
        return self.name


class AccompanimentQuerySet(VisibleQuerySet):
    """``visible_to(user)``: ``dla.perms.visible_accompaniments`` (registered by
    ``DlaConfig``)."""

    def for_list(self):
        return self.select_related("dla__department").annotate(
            prestation_count=models.Count("prestations", distinct=True),
            first_start=models.Min("prestations__start_date"),
        )

    def with_last_end(self):
        """Annotates ``last_end``: the end of the last prestation (the follow-ups count from
        it), as a subquery so that it adds no join to the page's other aggregates."""
        last = Prestation.objects.filter(accompaniment_id=models.OuterRef("pk"))
        return self.annotate(
            last_end=models.Subquery(last.order_by("-end_date").values("end_date")[:1])
        )

    def _follow_ups(self):
        """The follow-up contacts (``FollowUp``, declared in ``steps``, which imports this
        module), reached through the accompaniments' relation to them."""
        return self.model._meta.get_field("follow_ups").related_model.objects

    def follow_up_due(self, today):
        """The open accompaniments with a follow-up due by ``today`` + ``DUE_NOTICE``: see
        ``dla.followups``."""
        return (
            self.with_last_end()
            .exclude(state=AccompanimentState.CLOS)
            .filter(due_condition(today, self._follow_ups()))
        )

    def with_latest_follow_up(self):
        """Annotates ``latest_follow_up``: the milestone of the latest recorded contact (or
        ``None``), as a subquery."""
        latest = (
            self._follow_ups()
            .filter(accompaniment_id=models.OuterRef("pk"))
            .values("accompaniment_id")
            .annotate(top=models.Max("milestone"))
            .values("top")
        )
        return self.annotate(latest_follow_up=models.Subquery(latest))


class Accompaniment(models.Model):
    """One path of a structure (or collective) through a DLA: request, diagnostic, plan,
    prestations, follow-up, closing (dla.md). The diagnostic and the plan are rows of their
    own (``dla.models.steps``); imported accompaniments start at the engineering."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = models.CharField("référence", max_length=64, unique=True)
    dla = models.ForeignKey(
        Dla, verbose_name="DLA", on_delete=models.PROTECT, related_name="accompaniments"
    )
    structures = models.ManyToManyField(
        Structure,
        verbose_name="structures accompagnées",
        related_name="dla_accompaniments",
        blank=True,
    )
    request_date = models.DateField("date de la demande", null=True, blank=True)
    requester = models.CharField(
        "à l'initiative de", max_length=32, choices=Requester.choices, blank=True
    )
    request_prescriber = models.CharField(
        "prescripteur", max_length=32, choices=Prescriber.choices, blank=True
    )
    urgent = models.BooleanField("demande urgente", default=False)
    injunction = models.TextField("injonction institutionnelle", blank=True)
    request_needs = models.TextField("besoins exprimés", blank=True)
    state = models.CharField(
        "état",
        max_length=16,
        choices=AccompanimentState.choices,
        default=AccompanimentState.DEMANDE,
    )
    closed_on = models.DateField("clos le", null=True, blank=True)
    closing_summary = models.TextField("bilan de clôture", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = AccompanimentQuerySet.as_manager()

    class Meta:
        verbose_name = "accompagnement"
        verbose_name_plural = "accompagnements"
        ordering = ["ref"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=AccompanimentState.values),
                name="dla_accompaniment_state_known",
            ),
            models.CheckConstraint(
                condition=Q(state=AccompanimentState.CLOS, closed_on__isnull=False)
                | ~Q(state=AccompanimentState.CLOS),
                name="dla_accompaniment_closed_has_date",
            ),
        ]

    def __str__(self):
        return self.ref

    def get_absolute_url(self):
        return reverse("dla:detail", args=[self.uuid])

    @property
    def is_closed(self):
        return self.state == AccompanimentState.CLOS

    def beneficiary_structures(self):
        """The structures named at the request and the prestations' beneficiaries, by name
        (prefetch ``structures`` and ``prestations__beneficiaries`` for a list)."""
        found = {s.pk: s for s in self.structures.all()}
        for prestation in self.prestations.all():
            found.update((s.pk, s) for s in prestation.beneficiaries.all())
        return sorted(found.values(), key=lambda s: (s.name, s.siret))


class Prestation(models.Model):
    """One engineering phase of an accompaniment, for one or several structures."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = models.CharField("référence", max_length=64, unique=True)
    accompaniment = models.ForeignKey(
        Accompaniment,
        verbose_name="accompagnement",
        on_delete=models.CASCADE,
        related_name="prestations",
    )
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    mode = models.CharField("mode", max_length=16, choices=Mode.choices)
    theme = models.CharField("thème", max_length=32, choices=Theme.choices)
    prescriber = models.CharField("prescripteur", max_length=32, choices=Prescriber.choices)
    provider = models.ForeignKey(
        Provider, verbose_name="prestataire", on_delete=models.PROTECT, related_name="prestations"
    )
    days = models.DecimalField("jours", max_digits=6, decimal_places=2)
    cost = models.DecimalField("coût (€)", **MONEY)
    beneficiaries = models.ManyToManyField(
        Structure, verbose_name="bénéficiaires", related_name="dla_prestations"
    )
    recommendations = models.TextField("préconisations", blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "prestation"
        verbose_name_plural = "prestations"
        ordering = ["-start_date", "ref"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="dla_prestation_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(days__gte=0) & Q(cost__gte=0), name="dla_prestation_non_negative"
            ),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="dla_mode_known"),
            models.CheckConstraint(condition=Q(theme__in=Theme.values), name="dla_theme_known"),
            models.CheckConstraint(
                condition=Q(prescriber__in=Prescriber.values), name="dla_prescriber_known"
            ),
        ]
        indexes = [models.Index(fields=["start_date"])]

    def __str__(self):
        return self.ref


class StructureStaffCount(models.Model):
    """A structure's current staff, as the DLA files give it; the bilan sums these."""

    structure = models.OneToOneField(
        Structure, verbose_name="structure", on_delete=models.CASCADE, related_name="dla_staff"
    )
    permanents = models.PositiveIntegerField("permanents")
    insertion_employees = models.PositiveIntegerField("salariés en insertion")
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "effectifs d'une structure"
        verbose_name_plural = "effectifs des structures"
        constraints = [
            models.CheckConstraint(
                condition=Q(permanents__gte=0) & Q(insertion_employees__gte=0),
                name="dla_staff_non_negative",
            ),
        ]

    def __str__(self):
        return f"{self.structure} : {self.permanents} + {self.insertion_employees}"
